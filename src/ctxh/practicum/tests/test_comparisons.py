"""Sites, instructors and schools compared across years: exact figures on a small world,
the anonymised comments' threshold, scope, the Excel export read back, the placement list."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from ctxh.practicum.models import (
    Evaluation,
    Grade,
    LogEntry,
    Offer,
    PeriodInstructor,
    Placement,
    PlacementPeriod,
    Round,
    Rubric,
    Student,
)
from ctxh.practicum.selectors import comparisons as cmp
from ctxh.testing import make_user

pytestmark = pytest.mark.django_db

YEAR = 2019
S = Placement.Status
_codes = itertools.count(1)


def _at(days: float) -> dt.datetime:
    start = timezone.make_aware(dt.datetime(YEAR, 8, 1, 9, 0))
    return start + dt.timedelta(days=days)


class Small:
    """A 2019 period: facility A hosts school A's students, facility B school B's."""

    def __init__(self, w, year: int = YEAR):
        self.w = w
        self.period = PlacementPeriod.objects.create(
            organizer=w.agency,
            name=f"Kỳ {year}",
            starts_on=dt.date(year, 9, 1),
            ends_on=dt.date(year, 12, 20),
            preference_deadline=_at(-30),
            acceptance_deadline=_at(-10),
            status=PlacementPeriod.Status.CLOSED,
        )
        self.rounds = {
            school.pk: Round.objects.create(
                period=self.period,
                school=school,
                name=f"Đợt {school.pk}",
                practice_type="casework",
                level="university_3",
                starts_on=self.period.starts_on,
                ends_on=self.period.ends_on,
                required_hours=100,
            )
            for school in (w.school, w.school_b)
        }
        self.offers = {
            facility.pk: Offer.objects.create(
                period=self.period,
                facility=facility,
                practice_type="casework",
                level="university_3",
                seats=20,
                status=Offer.Status.PUBLISHED,
            )
            for facility in (w.facility_a, w.facility_b)
        }
        self.instructor = PeriodInstructor.objects.create(
            period=self.period, facility=w.facility_a, instructor=w.field_instructor_a, capacity=10
        )
        self.instructor_b = PeriodInstructor.objects.create(
            period=self.period,
            facility=w.facility_a,
            instructor=w.field_instructor_a2,
            capacity=10,
        )

    def student(self, school, name="Sinh viên"):
        n = next(_codes)
        return Student.objects.create(
            round=self.rounds[school.pk],
            user=make_user("student", school),
            student_code=f"CMP{n:04d}",
            full_name=f"{name} {n}",
            gender="female",
        )

    def place(self, school, facility, status, *, days=None, rank=1, instructor=None):
        student = self.student(school)
        return Placement.objects.create(
            student=student,
            offer=self.offers[facility.pk],
            period=self.period,
            school=school,
            facility=facility,
            instructor=instructor,
            rank=rank,
            status=status,
            proposed_at=_at(0),
            decided_at=_at(days) if days is not None else None,
        )


def _entry(placement, hours, status, *, current=True, submitted=None, decided=None):
    return LogEntry.objects.create(
        placement=placement,
        date=dt.date(YEAR, 9, 10),
        hours=Decimal(hours),
        activity="casework",
        description="Vãng gia",
        status=status,
        current=current,
        submitted_at=submitted,
        decided_at=decided,
    )


def _rate(placement, kind, rating, comment="", rubric=None):
    return Evaluation.objects.create(
        placement=placement,
        kind=kind,
        rubric=rubric or placement.school.practicum_rubrics.get(active=True),
        rating=rating,
        comment=comment,
        submitted_at=_at(100),
    )


@pytest.fixture
def small(permission_world):
    w = permission_world
    s = Small(w)
    a, b, fa, fb = w.school, w.school_b, w.facility_a, w.facility_b
    pi = s.instructor
    s.p1 = s.place(a, fa, S.COMPLETED, days=2, rank=1, instructor=pi)
    s.p2 = s.place(a, fa, S.COMPLETED, days=4, rank=2, instructor=pi)
    s.p3 = s.place(a, fa, S.INTERRUPTED, days=3, rank=1, instructor=pi)
    s.p4 = s.place(a, fa, S.DECLINED, days=1, rank=3)
    s.p5 = s.place(a, fa, S.IN_PRACTICE, days=2, rank=1, instructor=pi)
    s.p6 = s.place(a, fa, S.PROPOSED, rank=1)
    s.unplaced = s.student(a)
    s.q1 = s.place(b, fb, S.COMPLETED, days=6, rank=1)
    s.q2 = s.place(b, fb, S.COMPLETED, days=8, rank=2)
    # Hours: only the approved current versions count.
    _entry(s.p1, "10", LogEntry.Status.APPROVED, submitted=_at(40), decided=_at(41))
    _entry(s.p1, "8", LogEntry.Status.APPROVED, submitted=_at(42), decided=_at(45))
    _entry(s.p1, "5", LogEntry.Status.APPROVED, current=False, submitted=_at(43), decided=_at(45))
    _entry(s.p1, "4", LogEntry.Status.SUBMITTED, submitted=_at(44))
    _entry(s.p2, "6", LogEntry.Status.RETURNED, submitted=_at(44), decided=_at(46))
    _entry(s.p2, "6", LogEntry.Status.APPROVED, submitted=_at(50), decided=_at(51))
    rubric_b = Rubric.objects.create(school=b, name="Thang 4", grade_min=0, grade_max=4)
    _rate(s.p1, Evaluation.Kind.STUDENT_SITE, 5)
    _rate(s.p2, Evaluation.Kind.STUDENT_SITE, 3)
    _rate(s.p1, Evaluation.Kind.STUDENT_INSTRUCTOR, 4)
    for placement, value, rubric in (
        (s.p1, "9.0", w.rubric_a),
        (s.p2, "7.0", w.rubric_a),
        (s.p3, "3.5", w.rubric_a),
        (s.q1, "3.6", rubric_b),  # 9 on 0–10
        (s.q2, "2.0", rubric_b),  # 5 on 0–10
    ):
        Grade.objects.create(
            placement=placement, rubric=rubric, value=Decimal(value), recorded_at=_at(110)
        )
    return s


ONLY = cmp.Selection(year_from=YEAR, year_to=YEAR)


def _row(table, subject_id):
    (row,) = [r for r in table.rows if r.subject_id == subject_id]
    return row


def test_facility_figures_are_exact(small):
    w = small.w
    table = cmp.facility_comparison(user=w.programme, selection=ONLY)
    a = _row(table, w.facility_a.pk)
    assert a.key == YEAR and a.key_label == str(YEAR)
    assert a["hosted"] == 4  # completed ×2, interrupted, in practice
    assert (a["decided"], a["accepted"], a["acceptance_rate"]) == (5, 4, 80.0)
    assert a["days_to_decide"] == 2.4  # (2 + 4 + 3 + 1 + 2) / 5
    assert (a["completed"], a["finished"], a["completion_rate"]) == (2, 3, 66.7)
    assert a["approved_hours"] == Decimal("24")  # 10 + 8 + 6 (not the old version, not waiting)
    assert a["hours_per_student"] == 6.0
    assert (a["rating"], a["raters"]) == (4.0, 2)
    b = _row(table, w.facility_b.pk)
    assert (b["acceptance_rate"], b["days_to_decide"], b["completion_rate"]) == (100.0, 7.0, 100.0)
    assert b["rating"] is None and b["raters"] == 0
    (city,) = table.city
    assert city.subject_id is None
    assert (city["hosted"], city["facilities"], city["hosted_per_facility"]) == (6, 2, 3.0)
    assert city["acceptance_rate"] == round(100 * 6 / 7, 1)


def test_instructor_figures_are_exact(small):
    w = small.w
    table = cmp.instructor_comparison(user=w.programme, selection=ONLY)
    (row,) = table.rows
    assert row.subject_id == w.field_instructor_a.pk and row.facility_id == w.facility_a.pk
    assert (row["hosted"], row["at_once"], row["completion_rate"]) == (4, 4, 66.7)
    # Decided entries: 1, 3, 2 (returned), 1 days; the old version (2 days) counts too.
    assert row["entries"] == 5
    assert row["days_to_approve"] == 1.8  # (1 + 3 + 2 + 2 + 1) / 5
    assert (row["rating"], row["raters"]) == (4.0, 1)


def test_school_figures_are_exact(small):
    w = small.w
    table = cmp.school_comparison(user=w.programme, selection=ONLY)
    a = _row(table, w.school.pk)
    assert (a["students"], a["placed"], a["placement_rate"]) == (7, 4, 57.1)
    assert (a["hosted"], a["first_choice"], a["first_choice_rate"]) == (4, 3, 75.0)
    assert a["completion_rate"] == 66.7
    grades = [a[f"grade_{band}"] for band in cmp.GRADE_LABELS]
    assert grades == [1, 1, 0, 0, 1]  # 9.0 A, 7.0 B, 3.5 F
    b = _row(table, w.school_b.pk)
    assert [b[f"grade_{band}"] for band in cmp.GRADE_LABELS] == [1, 0, 0, 1, 0]
    assert b["first_choice_rate"] == 50.0


def test_breakdowns_by_period_and_type(small):
    w = small.w
    sel = cmp.Selection(year_from=YEAR, year_to=YEAR, by="period")
    a = _row(cmp.facility_comparison(user=w.programme, selection=sel), w.facility_a.pk)
    assert (a.key, a.key_label) == (small.period.pk, small.period.name)
    sel = cmp.Selection(year_from=YEAR, year_to=YEAR, by="practice_type")
    a = _row(cmp.facility_comparison(user=w.programme, selection=sel), w.facility_a.pk)
    assert a.key == "casework" and a["hosted"] == 4
    sel = cmp.Selection(year_from=YEAR, year_to=YEAR, practice_type="community")
    assert cmp.facility_comparison(user=w.programme, selection=sel).rows == []


def test_scope_facility_school_instructor(small):
    w = small.w
    table = cmp.facility_comparison(user=w.manager_a, selection=ONLY)
    assert {r.subject_id for r in table.rows} == {w.facility_a.pk}
    assert table.city[0]["hosted"] == 6  # the city's figures stay the whole city's
    table = cmp.facility_comparison(user=w.manager_b, selection=ONLY)
    assert {r.subject_id for r in table.rows} == {w.facility_b.pk}
    table = cmp.school_comparison(user=w.coordinator_b, selection=ONLY)
    assert {r.subject_id for r in table.rows} == {w.school_b.pk}
    table = cmp.instructor_comparison(user=w.instructor_a, selection=ONLY)
    assert {r.subject_id for r in table.rows} == {w.field_instructor_a.pk}
    table = cmp.instructor_comparison(user=w.instructor_a2, selection=ONLY)
    assert table.rows == []
    table = cmp.instructor_comparison(user=w.manager_b, selection=ONLY)
    assert table.rows == []


def test_comments_need_five_raters_and_have_no_names(permission_world):
    w = permission_world
    world = Small(w, year=2018)
    sel = cmp.Selection(year_from=2018, year_to=2018)
    placements = [world.place(w.school, w.facility_b, S.COMPLETED, days=1) for _ in range(5)]
    for i, placement in enumerate(placements[:4]):
        _rate(placement, Evaluation.Kind.STUDENT_SITE, 4, f"Góp ý số {i}")
    facility = w.facility_b.pk
    assert cmp.facility_comments(user=w.manager_b, selection=sel, facility_id=facility) == []
    _rate(placements[4], Evaluation.Kind.STUDENT_SITE, 2, "")  # rated, no comment
    shown = cmp.facility_comments(user=w.manager_b, selection=sel, facility_id=facility)
    assert sorted(shown) == [f"Góp ý số {i}" for i in range(4)]
    names = {p.student.full_name for p in placements}
    assert not any(name in text for text in shown for name in names)
    html = (
        _client(w.manager_b)
        .get(reverse("practicum:compare_facilities"), {"year_from": 2018, "year_to": 2018})
        .content.decode()
    )
    assert "Góp ý số 3" in html
    assert not any(name in html for name in names)


def _client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_pages_sort_link_and_export(small):
    w = small.w
    client = _client(w.programme)
    url = reverse("practicum:compare_facilities")
    response = client.get(url, {"year_from": YEAR, "year_to": YEAR, "sort": "-completion_rate"})
    assert response.status_code == 200
    html = response.content.decode()
    html = html.split('data-testid="compare-table"')[1]
    assert html.index(w.facility_b.name) < html.index(w.facility_a.name)
    assert "80,0%" in html  # Vietnamese decimals
    link = reverse("practicum:placements") + f"?year_from={YEAR}&amp;year_to={YEAR}"
    assert f"{link}&amp;facility={w.facility_a.pk}&amp;status=hosted" in html
    response = client.get(url, {"year_from": YEAR, "year_to": YEAR, "format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[0]
    line = next(r for r in rows if r[0] == w.facility_a.name)
    assert line[1] == str(YEAR)
    assert header[2] in ("Số sinh viên tiếp nhận", "Students hosted")
    assert 80.0 in line and 2.4 in line and 66.7 in line and 4 in line
    assert any(r[0] in ("Toàn thành phố", "City") for r in rows)
    for name in ("practicum:compare_instructors", "practicum:compare_schools"):
        response = client.get(reverse(name), {"year_from": YEAR, "year_to": YEAR})
        assert response.status_code == 200
        export = client.get(reverse(name), {"year_from": YEAR, "year_to": YEAR, "format": "xlsx"})
        book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)))
        assert book.active.max_row >= 2
    # A facility's page: its own rows only, and the city's.
    html = _client(w.manager_a).get(url, {"year_from": YEAR, "year_to": YEAR}).content.decode()
    assert w.facility_a.name in html and w.facility_b.name not in html.split("compare-table")[1]


def test_placement_list_behind_a_figure(small):
    w = small.w
    url = reverse("practicum:placements")
    query = {"year_from": YEAR, "year_to": YEAR, "facility": w.facility_a.pk, "status": "hosted"}
    response = _client(w.programme).get(url, query)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 4
    query["status"] = "decided"
    assert _client(w.programme).get(url, query).context["page"].paginator.count == 5
    # facility B sees none of facility A's; the instructor only their own students.
    assert _client(w.manager_b).get(url, query).context["page"].paginator.count == 0
    mine = _client(w.instructor_a).get(url, {"year_from": YEAR, "year_to": YEAR})
    assert mine.context["page"].paginator.count == 4
    other = _client(w.instructor_a2).get(url, {"year_from": YEAR, "year_to": YEAR})
    assert other.context["page"].paginator.count == 0
    assert _client(w.programme).get(url, {"status": "nonsense"}).status_code == 400


def test_query_count_is_constant(small, django_assert_max_num_queries):
    w = small.w
    for user in (w.programme, w.manager_a):
        with django_assert_max_num_queries(12):
            cmp.facility_comparison(user=user, selection=cmp.Selection())
        with django_assert_max_num_queries(12):
            cmp.instructor_comparison(user=user, selection=cmp.Selection())
    with django_assert_max_num_queries(12):
        cmp.school_comparison(user=w.programme, selection=cmp.Selection())
