"""Importing people and employment, and exporting the people list."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from ctxh.core.importing import analyse, commit, get_kind
from ctxh.core.importing.testing import headers_of, xlsx
from ctxh.core.models import AuditEvent, Job
from ctxh.core.scoping import SYSTEM
from ctxh.testing import client_for
from ctxh.workforce.cccd import compose_cccd
from ctxh.workforce.models import Employment, Person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


@pytest.fixture
def people(db):
    return get_kind("people")


@pytest.fixture
def employment(db):
    return get_kind("employment")


def cccd(serial, gender="female", year=1990):
    return compose_cccd(province=79, gender=gender, birth_year=year, serial=serial)


def person_row(name="Nguyễn Thị Lan", org="FAC-A", **values):
    row = dict.fromkeys(c.key for c in get_kind("people").columns)
    row.update(full_name=name, gender="Nữ", date_of_birth="17/05/1990", organization=org)
    row.update(values)
    return list(row.values())


def employment_row(**values):
    row = dict.fromkeys(c.key for c in get_kind("employment").columns)
    row.update(values)
    return list(row.values())


def test_people_created_then_unchanged_then_updated(people, facility_a, tmp_path):
    rows = [
        person_row(
            cccd=cccd(1),
            education_level="Đại học",
            major="Công tác xã hội",
            professional_title="V.09.04.02",
            position="Nhân viên CTXH",
            start_date="01/03/2021",
        ),
        person_row("Trần Văn Minh", gender="Nam", cccd=cccd(2, "male"), staff_type="Cộng tác viên"),
    ]
    path = xlsx(tmp_path / "p.xlsx", headers_of(people), rows)
    summary = commit(people, path, user=SYSTEM, filename="p.xlsx")
    assert summary["counts"]["new"] == 2 and summary["employments"] == 2
    lan = Person.objects.get(cccd=cccd(1))
    assert lan.current_organization == facility_a
    assert (lan.education_level, lan.major, lan.professional_title) == (
        "bachelor",
        "social_work",
        "V.09.04.02",
    )
    assert lan.search_text and "nguyen thi lan" in lan.search_text
    job = lan.employments.get()
    assert (job.start_date, job.position) == (dt.date(2021, 3, 1), "Nhân viên CTXH")
    assert Person.objects.get(cccd=cccd(2, "male")).staff_type == "collaborator"
    # Creations are recorded by the one summary event (see workforce/bulk.py).
    summary_event = AuditEvent.objects.get(action="import.people")
    assert summary_event.new_values["people_created"] == 2
    assert summary_event.new_values["file"] == "p.xlsx"
    assert AuditEvent.objects.filter(object_type="workforce.person").count() == 0
    # The same file twice changes nothing.
    events = AuditEvent.objects.count()
    assert commit(people, path, user=SYSTEM)["counts"]["unchanged"] == 2
    assert AuditEvent.objects.count() == events
    # A changed phone is an update, audited with old and new values.
    rows[0][4] = "0901234567"
    path = xlsx(tmp_path / "q.xlsx", headers_of(people), rows)
    assert commit(people, path, user=SYSTEM)["counts"]["updated"] == 1
    event = AuditEvent.objects.get(action="person.import_update")
    assert event.old_values == {"phone": ""} and event.new_values == {"phone": "0901234567"}


def test_a_cccd_typed_as_a_number_keeps_its_leading_zero(people, facility_a, tmp_path):
    path = xlsx(tmp_path / "n.xlsx", headers_of(people), [person_row(cccd=int(cccd(3)))])
    commit(people, path, user=SYSTEM)
    assert Person.objects.filter(cccd=cccd(3)).exists()


def test_cccd_errors_and_duplicate_cccds(people, facility_a, tmp_path):
    rows = [
        person_row(cccd=cccd(4)),
        person_row("Bản sao", cccd=cccd(4)),
        person_row(cccd=cccd(5, "male")),  # a man's number for a woman
        person_row(cccd=cccd(6, year=1985)),  # born 1990 by the date of birth
        person_row(cccd="12345"),
    ]
    path = xlsx(tmp_path / "c.xlsx", headers_of(people), rows)
    analysis = analyse(people, path, user=SYSTEM)
    assert [r.status for r in analysis.rows] == ["new"] + ["rejected"] * 4
    assert "row 2 of this file" in analysis.rows[1].errors[0]
    assert "4th digit" in analysis.rows[2].errors[0]
    assert "born in 1985" in analysis.rows[3].errors[0]
    assert "12 digits" in analysis.rows[4].errors[0]
    with pytest.raises(Exception, match="4 rows are rejected"):
        commit(people, path, user=SYSTEM)
    assert not Person.objects.exists()


def test_people_without_cccd_are_recognised_by_name_and_birth_date(people, facility_a, tmp_path):
    rows = [person_row("Lê Thị Hoa"), person_row("Không Ngày Sinh", date_of_birth=None)]
    path = xlsx(tmp_path / "w.xlsx", headers_of(people), rows)
    analysis = analyse(people, path, user=SYSTEM)
    assert [r.status for r in analysis.rows] == ["new", "rejected"]
    path = xlsx(tmp_path / "w2.xlsx", headers_of(people), rows[:1])
    commit(people, path, user=SYSTEM)
    again = xlsx(tmp_path / "w3.xlsx", headers_of(people), [person_row("le thi  HOA")])
    assert analyse(people, again, user=SYSTEM).counts["updated"] == 1  # the spelling only
    # Adding the CCCD completes the same person instead of creating a twin.
    with_id = xlsx(
        tmp_path / "w4.xlsx", headers_of(people), [person_row("Lê Thị Hoa", cccd=cccd(7))]
    )
    commit(people, with_id, user=SYSTEM)
    assert Person.objects.get().cccd == cccd(7)


def test_a_manager_imports_only_their_own_people(
    people, manager_a, facility_a, facility_b, person_b, tmp_path
):
    rows = [
        person_row(cccd=cccd(8)),
        person_row("Ở nơi khác", org="FAC-B", cccd=cccd(9)),
        person_row(person_b.full_name, gender="Nam", cccd=person_b.cccd),  # works at FAC-B
        person_row("Mã sai", org="NOPE", cccd=cccd(10)),
    ]
    path = xlsx(tmp_path / "m.xlsx", headers_of(people), rows)
    analysis = analyse(people, path, user=manager_a)
    assert [r.status for r in analysis.rows] == ["new", "rejected", "rejected", "rejected"]
    assert "your own organisation" in analysis.rows[1].errors[0]
    assert "another organisation" in analysis.rows[2].errors[0]
    assert "no organisation has the code" in analysis.rows[3].errors[0]


def test_a_move_is_an_employment_row_not_a_people_row(
    people, employment, person_a, facility_b, tmp_path
):
    moved = xlsx(
        tmp_path / "mv.xlsx",
        headers_of(people),
        [person_row(person_a.full_name, org="FAC-B", cccd=person_a.cccd)],
    )
    assert "record a move" in analyse(people, moved, user=SYSTEM).rejected[0].errors[0]
    rows = [
        employment_row(
            cccd=person_a.cccd,
            organization="FAC-B",
            position="Trưởng nhóm",
            start_date="01/06/2024",
        ),
        employment_row(
            cccd=person_a.cccd, organization="FAC-A", start_date="01/01/2015", end_date="31/12/2019"
        ),
        employment_row(cccd=cccd(99), organization="FAC-A", start_date="01/01/2015"),
    ]
    path = xlsx(tmp_path / "e.xlsx", headers_of(employment), rows)
    analysis = analyse(employment, path, user=SYSTEM)
    assert [r.status for r in analysis.rows] == ["new", "new", "rejected"]
    assert "import the people first" in analysis.rows[2].errors[0]
    commit(employment, xlsx(tmp_path / "e2.xlsx", headers_of(employment), rows[:2]), user=SYSTEM)
    person_a.refresh_from_db()
    assert person_a.current_organization == facility_b
    history = list(
        person_a.employments.order_by("start_date").values_list(
            "organization__code", "start_date", "end_date"
        )
    )
    assert history == [
        ("FAC-A", dt.date(2015, 1, 1), dt.date(2019, 12, 31)),
        ("FAC-A", dt.date(2020, 1, 1), dt.date(2024, 5, 31)),
        ("FAC-B", dt.date(2024, 6, 1), None),
    ]
    again = xlsx(tmp_path / "e3.xlsx", headers_of(employment), rows[:2])
    assert analyse(employment, again, user=SYSTEM).counts["unchanged"] == 2


def test_an_employment_starting_before_the_current_one_is_refused(
    employment, person_a, facility_b, tmp_path
):
    path = xlsx(
        tmp_path / "b.xlsx",
        headers_of(employment),
        [employment_row(cccd=person_a.cccd, organization="FAC-B", start_date="01/01/2019")],
    )
    assert "must start after" in analyse(employment, path, user=SYSTEM).rejected[0].errors[0]
    assert Employment.objects.count() == 1


def test_manager_sees_only_workforce_kinds_and_imports_on_the_pages(
    manager_a, facility_a, people, tmp_path, django_capture_on_commit_callbacks
):
    client = client_for(manager_a)
    page = client.get("/imports/").content.decode()
    assert 'data-testid="import-kind-people"' in page
    assert 'data-testid="import-kind-organizations"' not in page
    path = xlsx(tmp_path / "m.xlsx", headers_of(people), [person_row(cccd=cccd(11))])
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/people/", {"file": SimpleUploadedFile("m.xlsx", path.read_bytes())})
    preview = Job.objects.get()
    assert preview.result["counts"]["new"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/jobs/{preview.pk}/commit/")
    assert Person.objects.get(cccd=cccd(11)).current_organization == facility_a


def test_template_of_people(manager_a, tmp_path):
    response = client_for(manager_a).get("/imports/people/template/")
    (tmp_path / "t.xlsx").write_bytes(response.content)
    wb = load_workbook(tmp_path / "t.xlsx")
    assert [c.value for c in wb["Nhan luc"][1]][:4] == [
        "Họ và tên *",
        "Giới tính *",
        "Ngày sinh",
        "Số CCCD",
    ]
    assert wb["Nhan luc"].column_dimensions["D"].number_format == "@"  # leading zeros survive


def test_people_export_masks_the_cccd_and_is_scoped(manager_a, person_a, person_b):
    response = client_for(manager_a).get("/workforce/export.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert [r[0] for r in rows[1:]] == [person_a.full_name]
    assert rows[1][3] == "079*******34" and person_a.cccd not in body
    xlsx_response = client_for(manager_a).get("/workforce/export.xlsx?q=anh")
    assert xlsx_response.status_code == 200
    assert client_for(manager_a).get("/workforce/export.pdf").status_code == 404


def test_the_commit_checks_again_and_writes_nothing_if_the_data_changed(
    programme_user,
    facility_a,
    facility_b,
    people,
    tmp_path,
    settings,
    django_capture_on_commit_callbacks,
):
    from ctxh.workforce.tests.factories import PersonFactory, employ

    client = client_for(programme_user)
    rows = [person_row(cccd=cccd(12)), person_row("Phạm Thị Hai", cccd=cccd(13))]
    path = xlsx(tmp_path / "r.xlsx", headers_of(people), rows)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/imports/people/", {"file": SimpleUploadedFile("r.xlsx", path.read_bytes())})
    preview = Job.objects.get()
    assert preview.result["counts"]["new"] == 2
    # Meanwhile the second person is registered at another facility.
    employ(PersonFactory(full_name="Phạm Thị Hai", gender="female", cccd=cccd(13)), facility_b)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/imports/jobs/{preview.pk}/commit/")
    done = Job.objects.get(kind="import.commit")
    assert done.status == Job.Status.FAILED
    assert "1 dòng bị từ chối" in done.error
    assert not Person.objects.filter(cccd=cccd(12)).exists()
    assert not AuditEvent.objects.filter(action="import.people").exists()
    assert not list((settings.MEDIA_ROOT / "imports").iterdir())  # the upload is gone


def test_a_rejected_upload_is_not_kept(
    manager_a, people, tmp_path, settings, django_capture_on_commit_callbacks
):
    path = xlsx(tmp_path / "x.xlsx", headers_of(people), [person_row(cccd="1")])
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager_a).post(
            "/imports/people/", {"file": SimpleUploadedFile("x.xlsx", path.read_bytes())}
        )
    preview = Job.objects.get()
    assert preview.result["counts"]["rejected"] == 1
    assert not list((settings.MEDIA_ROOT / "imports").iterdir())


def test_a_manager_cannot_move_someone_elses_person_in(
    employment, manager_a, programme_user, person_b, facility_a, tmp_path
):
    row = employment_row(cccd=person_b.cccd, organization="FAC-A", start_date="01/06/2024")
    path = xlsx(tmp_path / "e.xlsx", headers_of(employment), [row])
    assert "another organisation" in analyse(employment, path, user=manager_a).rejected[0].errors[0]
    assert analyse(employment, path, user=programme_user).counts["new"] == 1


def test_implausible_dates_are_refused_with_row_and_column(
    people, employment, facility_a, tmp_path
):
    future = (dt.date.today() + dt.timedelta(days=30)).strftime("%d/%m/%Y")
    path = xlsx(
        tmp_path / "d.xlsx",
        headers_of(people),
        [
            person_row("Lê Thị Mai", date_of_birth=future),
            person_row("Phạm Văn Hùng", gender="Nam", start_date="01/01/1985"),
        ],
    )
    analysis = analyse(people, path, user=SYSTEM)
    by_row = {r.number: r for r in analysis.rows}
    assert by_row[2].status == by_row[3].status == "rejected"
    assert by_row[2].errors[0] == f"Ngày sinh: {future} is in the future."
    assert by_row[3].errors == [
        "Ngày bắt đầu: 01/01/1985 is before the date of birth (17/05/1990)."
    ]
    assert Person.objects.count() == 0


def test_an_employment_before_the_registered_birth_date_is_refused(
    employment, person_a, facility_b, tmp_path
):
    born = person_a.date_of_birth
    start = born.replace(year=born.year - 1).strftime("%d/%m/%Y")
    path = xlsx(
        tmp_path / "e.xlsx",
        headers_of(employment),
        [employment_row(cccd=person_a.cccd, organization="FAC-B", start_date=start)],
    )
    errors = analyse(employment, path, user=SYSTEM).rejected[0].errors
    assert errors[0].startswith(f"Ngày bắt đầu: {start} is before the date of birth")


def test_excel_error_values_are_not_names(people, facility_a, tmp_path):
    path = xlsx(tmp_path / "n.xlsx", headers_of(people), [person_row("#N/A", cccd=cccd(5))])
    errors = analyse(people, path, user=SYSTEM).rejected[0].errors
    assert errors == ["Họ và tên: the cell holds the Excel error “#N/A”; type the value."]


def test_invisible_characters_and_decomposed_text_make_no_twins(people, facility_a, tmp_path):
    import unicodedata

    path = xlsx(tmp_path / "a.xlsx", headers_of(people), [person_row(cccd=cccd(7))])
    assert commit(people, path, user=SYSTEM)["counts"]["new"] == 1
    # The same person typed on a Mac (NFD), with a zero-width space, a soft hyphen and a BOM.
    name = "\ufeff" + unicodedata.normalize("NFD", "Nguyễn Thị\u200b La\u00adn") + "\u200e"
    path = xlsx(tmp_path / "b.xlsx", headers_of(people), [person_row(name, cccd=cccd(7))])
    assert commit(people, path, user=SYSTEM)["counts"]["unchanged"] == 1
    # Without a CCCD, recognised by name and date of birth: still one person.
    rows = [person_row("Võ Thị Hoa"), person_row("Vo\u0303 Thi\u0323 Ho\u200ba", position="X")]
    path = xlsx(tmp_path / "c.xlsx", headers_of(people), rows)
    analysis = analyse(people, path, user=SYSTEM)
    assert "the same record as row 2" in analysis.rejected[0].errors[0]
    assert Person.objects.get(cccd=cccd(7)).full_name == "Nguyễn Thị Lan"
    assert Person.objects.count() == 1


def test_phones_are_vietnamese_numbers_kept_in_the_national_form(people, facility_a, tmp_path):
    rows = [
        person_row("Lê Thị Một", phone="+84 90 123 4567"),
        person_row("Lê Thị Hai", phone=901234568),  # typed as a number: the 0 is lost
        person_row("Lê Thị Ba", phone="0901"),
        person_row("Lê Thị Bốn", phone="1234567890"),
    ]
    path = xlsx(tmp_path / "ph.xlsx", headers_of(people), rows)
    analysis = analyse(people, path, user=SYSTEM)
    assert [r.status for r in analysis.rows] == ["new", "new", "rejected", "rejected"]
    assert analysis.rows[2].errors[0].startswith("Điện thoại: Enter a Vietnamese phone number")
    rows = rows[:2]
    commit(people, xlsx(tmp_path / "ok.xlsx", headers_of(people), rows), user=SYSTEM)
    assert sorted(Person.objects.values_list("phone", flat=True)) == ["0901234567", "0901234568"]


def test_the_consent_date_column(people, facility_a, tmp_path):
    header = "Ngày đồng ý (cung cấp dữ liệu cá nhân)"
    assert header in headers_of(people)
    future = (dt.date.today() + dt.timedelta(days=3)).strftime("%d/%m/%Y")
    rows = [
        person_row("Võ Thị Đồng", cccd=cccd(21), consent_at="05/01/2026"),
        person_row("Võ Thị Chưa", cccd=cccd(22)),
        person_row("Võ Thị Sau", cccd=cccd(23), consent_at=future),
        person_row("Võ Thị Sai", cccd=cccd(24), consent_at="31/02/2026"),
    ]
    analysis = analyse(people, xlsx(tmp_path / "c.xlsx", headers_of(people), rows), user=SYSTEM)
    assert [r.status for r in analysis.rows] == ["new", "new", "rejected", "rejected"]
    assert analysis.rows[2].errors == [f"{header}: {future} is in the future."]
    commit(people, xlsx(tmp_path / "ok.xlsx", headers_of(people), rows[:2]), user=SYSTEM)
    agreed = Person.objects.get(cccd=cccd(21))
    assert agreed.consent_date == dt.date(2026, 1, 5)
    assert Person.objects.get(cccd=cccd(22)).consent_at is None
    # the same day again: unchanged (the moment kept); an empty cell keeps what is recorded
    again = [person_row("Võ Thị Đồng", cccd=cccd(21), consent_at="05/01/2026")]
    analysis = analyse(people, xlsx(tmp_path / "a.xlsx", headers_of(people), again), user=SYSTEM)
    assert [r.status for r in analysis.rows] == ["unchanged"]
    empty = [person_row("Võ Thị Đồng", cccd=cccd(21))]
    analysis = analyse(people, xlsx(tmp_path / "e.xlsx", headers_of(people), empty), user=SYSTEM)
    assert [r.status for r in analysis.rows] == ["unchanged"]
