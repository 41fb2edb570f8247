"""The training statistics: exact counts on a small dataset, participant-times against
distinct people, the share trained against its target, the scope, links and the export."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.utils import timezone, translation
from openpyxl import load_workbook

from ctxh.geo.models import Province, Ward
from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import client_for, make_user
from ctxh.training.models import Course, Enrollment, TrainingClass
from ctxh.training.selectors import statistics as stats
from ctxh.workforce.models import WorkforceTarget
from ctxh.workforce.tests.factories import PersonFactory, employ

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def data(db):
    """Three classes counted in 2010–2020 or now, one cancelled; four registry people."""

    class W:
        pass

    w = W()
    w.today = timezone.localdate()
    province, _ = Province.objects.get_or_create(
        code=settings.CTXH_PROVINCE,
        defaults={"name": "Thành phố Thử", "division_type": "thành phố", "codename": "thu"},
    )
    ward_a = Ward.objects.create(
        code=980001, name="Phường Một", kind="phuong", codename="a", province=province
    )
    ward_b = Ward.objects.create(
        code=980002, name="Phường Hai", kind="phuong", codename="b", province=province
    )
    w.ward_a, w.ward_b = ward_a, ward_b
    w.agency = OrganizationFactory(code="SYT", kind="agency")
    w.office = OrganizationFactory(code="UBND-A", kind="ward_office", ward=ward_a)
    w.facility = OrganizationFactory(code="CS-B", kind="public_facility", ward=ward_b)
    w.assoc = OrganizationFactory(code="HOI", kind="association")
    w.programme = make_user("programme_office", w.agency)
    w.viewer = make_user("viewer", w.agency)
    w.ward_officer = make_user("ward_officer", w.office)
    w.p1, w.p2, w.p3, w.p4 = (PersonFactory(full_name=f"Người {i}") for i in range(1, 5))
    for p, org in ((w.p1, w.office), (w.p2, w.office), (w.p3, w.facility)):
        employ(p, org)
    skills = Course.objects.create(
        code="K1", title="Kỹ năng", topic="Kỹ năng", hours=8, level="skills"
    )
    law = Course.objects.create(
        code="K2", title="Pháp luật", topic="Pháp luật", hours=8, level="skills"
    )

    def klass(code, course, start, end, status="closed", historic=True):
        return TrainingClass.objects.create(
            course=course,
            code=code,
            name=code,
            organizer=w.assoc,
            starts_on=start,
            ends_on=end,
            capacity=50,
            funding="state",
            status=status,
            historic=historic,
        )

    recent_end = w.today - dt.timedelta(days=30)
    w.c2015 = klass("C2015", skills, D(2015, 3, 1), D(2015, 3, 5))
    w.c2019 = klass("C2019", law, D(2019, 6, 1), D(2019, 6, 3))
    w.recent = klass("CNOW", skills, recent_end - dt.timedelta(days=3), recent_end, historic=False)
    w.cancelled = klass("CX", law, D(2019, 9, 1), D(2019, 9, 2), status="cancelled")

    def enrol(k, person, org, completed, status="accepted", name=""):
        return Enrollment.objects.create(
            training_class=k,
            person=person,
            organization=org,
            full_name=name,
            status=status,
            completed=completed,
            match_status="registry" if person else "unmatched",
        )

    enrol(w.c2015, w.p1, w.office, True)
    enrol(w.c2015, w.p2, w.office, False)
    enrol(w.c2015, None, w.office, True, name="Người Ngoài")
    enrol(w.c2019, w.p1, w.office, True)
    enrol(w.c2019, w.p3, w.facility, True)
    enrol(w.c2019, w.p2, w.office, None, status="declined")  # not a participant-time
    enrol(w.recent, w.p1, w.office, True)
    enrol(w.recent, w.p2, w.office, True)
    enrol(w.cancelled, w.p3, w.facility, True)  # a cancelled class counts for nothing
    WorkforceTarget.objects.create(
        indicator="workforce_trained", year=2025, percent=30, source="5 năm gần nhất"
    )
    return w


PROGRAMME = stats.Period(D(2010, 1, 1), D(2020, 12, 31))


def test_exact_counts_and_distinct_people(data):
    w = data
    total = stats.totals(user=w.programme, period=PROGRAMME)
    assert (total.classes, total.participant_times, total.people, total.unidentified) == (
        2,
        5,
        3,
        1,
    )
    assert (total.completed, total.decided) == (4, 5) and total.completion_rate == 80
    everything = stats.totals(user=w.programme)
    assert (everything.classes, everything.participant_times, everything.people) == (3, 7, 3)
    years = {f.key: f for f in stats.by_year(user=w.programme)}
    assert [(y, f.classes, f.participant_times, f.people) for y, f in years.items()][:2] == [
        (2015, 1, 3, 2),
        (2019, 1, 2, 2),
    ]
    topics = {f.key: f for f in stats.breakdown(user=w.programme, dimension="topic")}
    assert (topics["Kỹ năng"].classes, topics["Kỹ năng"].participant_times) == (2, 5)
    # p1 and p2 took "Kỹ năng" twice: five participant-times, two people (and one outsider).
    assert (topics["Kỹ năng"].people, topics["Kỹ năng"].unidentified) == (2, 1)
    assert (topics["Pháp luật"].classes, topics["Pháp luật"].participant_times) == (1, 2)
    sectors = {f.key: f for f in stats.breakdown(user=w.programme, dimension="sector")}
    assert (sectors["wards"].participant_times, sectors["wards"].people) == (6, 2)
    assert (sectors["facilities"].participant_times, sectors["facilities"].people) == (1, 1)
    wards = {f.key: f for f in stats.breakdown(user=w.programme, dimension="ward")}
    assert wards[w.ward_a.pk].participant_times == 6 and wards[w.ward_b.pk].people == 1
    orgs = {f.key: f for f in stats.breakdown(user=w.programme, dimension="organization")}
    assert orgs[w.office.pk].people == 2
    organizers = stats.breakdown(user=w.programme, dimension="organizer")
    assert [(f.key, f.classes, f.participant_times) for f in organizers] == [(w.assoc.pk, 3, 7)]


def test_share_trained_against_the_target(data):
    w = data
    share = stats.trained_share(user=w.programme, years=5)
    # p4 has no current organisation: not in the registry's denominator.
    assert (share.total.trained, share.total.total) == (2, 3)
    assert round(share.total.percent, 1) == 66.7
    assert [(t.year, met) for t, met in share.status()] == [(2025, True)]
    sectors = {s.key: (s.trained, s.total) for s in share.by_sector}
    assert sectors == {"wards": (2, 2), "facilities": (0, 1)}
    wards = {s.key: (s.trained, s.total) for s in share.by_ward}
    assert wards == {w.ward_a.pk: (2, 2), w.ward_b.pk: (0, 1)}
    # Over the last ten years the 2019 class counts too; the cancelled one never does.
    longer = stats.trained_share(user=w.programme, years=30)
    assert (longer.total.trained, longer.total.total) == (3, 3)
    Enrollment.objects.filter(training_class=w.c2019).update(completed=False)
    assert stats.trained_share(user=w.programme, years=30).total.trained == 2
    WorkforceTarget.objects.filter(year=2025).update(percent=80)
    assert [met for _t, met in stats.trained_share(user=w.programme).status()] == [False]


def test_page_links_every_figure_and_draws_the_chart(data):
    w = data
    response = client_for(w.programme).get("/training/statistics/?period=2010-2020&by=topic")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="participant_times">5<' in html
    assert "/training/?year=2015" in html and "/training/?topic=" in html
    assert (
        "/training/statistics/people/?start=2010-01-01&amp;end=2020-12-31&amp;dimension=year"
        in html
    )
    assert 'data-ctxh-chart="chart-years"' in html and 'id="chart-years"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "<script>" not in html
    assert '<span class="badge text-bg-success">' in html  # the 30 % target is reached
    for by in stats.DIMENSIONS:
        assert client_for(w.viewer).get(f"/training/statistics/?by={by}").status_code == 200
    bad = client_for(w.programme).get("/training/statistics/?start=2020-01-01&end=2019-01-01&by=x")
    assert bad.status_code == 200 and bad.context["form"].errors["end"]


def test_people_behind_a_figure(data):
    w = data
    client = client_for(w.programme)
    response = client.get("/training/statistics/people/?dimension=topic&key=Kỹ năng")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2  # p1, p2: distinct people
    rows = {r["person"]: r["times"] for r in response.context["page"]}
    assert rows == {w.p1.pk: 2, w.p2.pk: 2}
    trained = client.get("/training/statistics/people/?trained=5&sector=wards")
    assert {p.pk for p in trained.context["page"]} == {w.p1.pk, w.p2.pk}
    ward = client.get(f"/training/statistics/people/?trained=5&ward={w.ward_b.pk}")
    assert ward.context["page"].paginator.count == 0
    assert client.get("/training/statistics/people/?dimension=year&key=abc").status_code == 400


def test_export_reads_back(data):
    w = data
    response = client_for(w.programme).get(
        "/training/statistics/export.xlsx?start=2010-01-01&end=2020-12-31"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows[0]) == 11
    assert rows[1][2:7] == (2, 5, 3, 1, 4)  # classes, times, people, unidentified, completed
    years = {r[1]: r for r in rows if r[0] == rows[2][0]}
    assert (years["2015"][3], years["2019"][3]) == (3, 2)
    trained = [r for r in rows[1:] if len(r) > 8 and r[8] is not None]
    assert trained[0][8:] == (3, 2, 66.7)  # the registry, of whom trained, the share


def test_scope_programme_office_and_viewer_only(data):
    w = data
    assert client_for(w.ward_officer).get("/training/statistics/").status_code == 403
    assert client_for(w.ward_officer).get("/training/statistics/people/").status_code == 403
    assert client_for(w.ward_officer).get("/training/statistics/export.xlsx").status_code == 403
    assert stats.totals(user=w.ward_officer).participant_times == 0


def test_statistics_page_runs_in_a_constant_number_of_queries(data, django_assert_max_num_queries):
    w = data
    client = client_for(w.programme)
    client.get("/training/statistics/")
    with django_assert_max_num_queries(20):
        assert client.get("/training/statistics/?by=organizer").status_code == 200
