"""The practice network, placement periods, rounds and their students: services, the
Excel import (real workbooks), the school's board section and constant query counts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from ctxh.accounts.models import Membership, User
from ctxh.core.importing import REJECTED, ImportFileError, analyse, commit, get_kind
from ctxh.core.models import AuditEvent
from ctxh.core.transitions import IllegalTransition
from ctxh.practicum.models import PlacementPeriod, PracticeSite, Round, Student
from ctxh.practicum.services.network import site_save
from ctxh.practicum.services.periods import period_create, period_move, period_update
from ctxh.practicum.services.rounds import round_create, round_update
from ctxh.practicum.services.students import student_save
from ctxh.testing import client_for

pytestmark = pytest.mark.django_db


# --- network -----------------------------------------------------------------------------


def test_site_save_validates_and_audits(permission_world):
    w = permission_world
    site = site_save(
        facility=w.facility_b,
        by=w.manager_b,
        practice_types=["community", "casework", "casework"],
        levels=["college"],
        contact_phone="+84 90 123 4567",
        latitude=None,
        longitude=None,
    )
    assert site.practice_types == ["casework", "community"]  # the vocabulary's order
    assert site.contact_phone == "0901234567"
    assert AuditEvent.objects.filter(action="practicesite.create", actor=w.manager_b).exists()
    with pytest.raises(ValidationError) as err:
        site_save(facility=w.facility_b, by=w.manager_b, practice_types=["cooking"])
    assert "cooking" in str(err.value)
    with pytest.raises(ValidationError) as err:
        site_save(facility=w.facility_b, by=w.manager_b, contact_phone="12345")
    assert "contact_phone" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        site_save(facility=w.facility_a, by=w.manager_b, levels=["college"])
    with pytest.raises(PermissionDenied):
        site_save(facility=w.facility_a, by=w.coordinator, levels=["college"])


def test_network_filters_counts_and_map(permission_world):
    w = permission_world
    site_save(
        facility=w.facility_b,
        by=w.programme,
        practice_types=["community"],
        levels=["college"],
        latitude=10.8,
        longitude=106.7,
    )
    client = client_for(w.coordinator)
    page = client.get(reverse("practicum:network")).content.decode()
    assert "Cơ sở A" in page and "Cơ sở B" in page
    assert '"lat": 10.8' in page  # B has coordinates: a marker; A has none
    # A: one active field instructor employed there; 4 published seats in the period.
    response = client.get(reverse("practicum:network"), {"practice_type": "casework"})
    [site] = response.context["page"].object_list
    assert site.facility == w.facility_a
    assert (site.instructor_count, site.seat_count) == (1, 4)
    response = client.get(reverse("practicum:network"), {"q": "co so b"})  # no accents
    assert [s.facility for s in response.context["page"]] == [w.facility_b]
    response = client.get(reverse("practicum:network"), {"ward": w.ward_a.pk, "level": "college"})
    assert list(response.context["page"]) == []


def test_network_query_count_is_constant(permission_world, django_assert_max_num_queries):
    from ctxh.organizations.tests.factories import FacilityFactory

    w = permission_world
    client = client_for(w.coordinator)
    client.get(reverse("practicum:network"))
    for i in range(15):
        facility = FacilityFactory(code=f"NET-{i}", name=f"Cơ sở mạng {i}")
        PracticeSite.objects.create(
            facility=facility, practice_types=["casework"], latitude=10.7, longitude=106.6
        )
    with django_assert_max_num_queries(14):
        response = client.get(reverse("practicum:network"))
    assert response.status_code == 200
    assert len(response.context["markers"]) == 15


# --- periods -----------------------------------------------------------------------------


def _period_fields(**overrides):
    fields = {
        "name": "Kỳ thực tập 2031",
        "starts_on": dt.date(2031, 3, 1),
        "ends_on": dt.date(2031, 6, 30),
        "preference_deadline": dt.datetime(2031, 2, 1, 17, tzinfo=dt.UTC),
        "acceptance_deadline": dt.datetime(2031, 2, 15, 17, tzinfo=dt.UTC),
        "max_choices": 5,
    }
    return fields | overrides


def test_period_create_update_and_move(permission_world):
    w = permission_world
    period = period_create(by=w.programme, **_period_fields())
    assert period.organizer == w.agency and period.status == PlacementPeriod.Status.PREPARING
    with pytest.raises(PermissionDenied):
        period_create(by=w.coordinator, **_period_fields())
    with pytest.raises(ValidationError) as err:
        period_create(
            by=w.programme,
            **_period_fields(acceptance_deadline=dt.datetime(2031, 1, 1, tzinfo=dt.UTC)),
        )
    assert "acceptance_deadline" in err.value.message_dict
    period_update(period=period, by=w.programme, name="Kỳ 2031 (sửa)")
    period.refresh_from_db()
    assert period.name == "Kỳ 2031 (sửa)"
    period_move(period=period, to=PlacementPeriod.Status.PREFERENCES, by=w.programme)
    assert PlacementPeriod.objects.get(pk=period.pk).status == "preferences"
    with pytest.raises(IllegalTransition):
        period_move(period=period, to=PlacementPeriod.Status.CLOSED, by=w.programme)
    with pytest.raises(PermissionDenied):
        period_move(period=period, to=PlacementPeriod.Status.ALLOCATION, by=w.coordinator)


def test_period_cannot_shrink_around_its_rounds(permission_world):
    w = permission_world
    with pytest.raises(ValidationError) as err:
        period_update(
            period=w.period, by=w.programme, starts_on=w.period.starts_on + dt.timedelta(days=5)
        )
    assert "Đợt CTXH cá nhân" in str(err.value)


def test_period_page_hides_the_commit_button(permission_world):
    w = permission_world
    w.period.status = PlacementPeriod.Status.ALLOCATION
    w.period.save()
    page = client_for(w.programme).get(reverse("practicum:period_detail", args=[w.period.pk]))
    targets = [target for target, _move in page.context["transitions"]]
    assert targets == [PlacementPeriod.Status.PREFERENCES]  # reopen; never "commit"
    response = client_for(w.programme).post(
        reverse("practicum:period_transition", args=[w.period.pk]), {"to": "acceptance"}
    )
    assert response.status_code == 302
    assert PlacementPeriod.objects.get(pk=w.period.pk).status == "allocation"


# --- rounds ------------------------------------------------------------------------------


def _round_fields(period, **overrides):
    return {
        "name": "Đợt nhóm",
        "practice_type": "group_work",
        "level": "university_3",
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "required_hours": 120,
    } | overrides


def test_round_dates_must_fall_inside_the_period(permission_world):
    w = permission_world
    before = Round.objects.count()
    with pytest.raises(ValidationError) as err:
        round_create(
            period=w.period,
            school=w.school,
            by=w.coordinator,
            **_round_fields(w.period, ends_on=w.period.ends_on + dt.timedelta(days=1)),
        )
    assert "starts_on" in err.value.message_dict
    assert Round.objects.count() == before
    # The page says it in Vietnamese, on the form, and writes nothing.
    data = {
        "period": w.period.pk,
        "school": w.school.pk,
        "name": "Đợt lệch ngày",
        "practice_type": "casework",
        "level": "university_3",
        "starts_on": (w.period.starts_on - dt.timedelta(days=3)).strftime("%d/%m/%Y"),
        "ends_on": w.period.ends_on.strftime("%d/%m/%Y"),
        "required_hours": 100,
    }
    response = client_for(w.coordinator).post(reverse("practicum:round_create"), data)
    assert response.status_code == 400
    assert "phải nằm trong kỳ" in response.content.decode()
    assert Round.objects.count() == before


def test_round_create_scope_and_stage(permission_world):
    w = permission_world
    with pytest.raises(PermissionDenied):
        round_create(
            period=w.period, school=w.school, by=w.coordinator_b, **_round_fields(w.period)
        )
    with pytest.raises(ValidationError):  # the past period is at acceptance
        round_create(
            period=w.past_period,
            school=w.school,
            by=w.coordinator,
            **_round_fields(w.past_period),
        )
    rnd = round_create(
        period=w.period, school=w.school, by=w.coordinator, **_round_fields(w.period)
    )
    round_update(round=rnd, by=w.coordinator, required_hours=150)
    rnd.refresh_from_db()
    assert rnd.required_hours == 150
    assert AuditEvent.objects.filter(action="round.update", object_id=str(rnd.pk)).exists()


# --- students ----------------------------------------------------------------------------


def test_student_save_creates_the_account_once(permission_world):
    w = permission_world
    student = student_save(
        round=w.round_a,
        by=w.coordinator,
        student_code=" sv 0100 ",
        full_name="Nguyễn  Văn An",
        gender="male",
        phone="0901234567",
    )
    assert student.student_code == "SV0100" and student.full_name == "Nguyễn Văn An"
    assert student.user.username == "perm-school-sv0100"
    assert Membership.objects.filter(
        user=student.user, organization=w.school, role="student", active=True
    ).exists()
    again = student_save(
        round=w.round_a, by=w.coordinator, student_code="SV0100", full_name="Nguyễn Văn Ân",
        gender="male",
    )  # fmt: skip
    assert again.pk == student.pk and again.full_name == "Nguyễn Văn Ân"
    assert User.objects.filter(username="perm-school-sv0100").count() == 1


def test_student_in_two_rounds_of_a_period_is_refused(permission_world):
    w = permission_world
    other = round_create(
        period=w.period, school=w.school, by=w.coordinator, **_round_fields(w.period)
    )
    users, students = User.objects.count(), Student.objects.count()
    with pytest.raises(ValidationError) as err:
        student_save(
            round=other, by=w.coordinator, student_code="SV0001", full_name="Lê Thị Hoa",
            gender="female",
        )  # fmt: skip
    assert "một đợt" in " ".join(err.value.messages) or "one round" in str(err.value)
    assert (User.objects.count(), Student.objects.count()) == (users, students)


def test_student_save_permission(permission_world):
    w = permission_world
    with pytest.raises(PermissionDenied):
        student_save(
            round=w.round_a, by=w.coordinator_b, student_code="X1", full_name="A", gender="male"
        )


def test_round_page_query_count_is_constant(permission_world, django_assert_max_num_queries):
    w = permission_world
    client = client_for(w.coordinator)
    url = reverse("practicum:round_detail", args=[w.round_a.pk])
    client.get(url)
    for i in range(12):
        student_save(
            round=w.round_a, by=w.coordinator, student_code=f"Q{i:03}", full_name=f"Sinh viên {i}",
            gender="female",
        )  # fmt: skip
    with django_assert_max_num_queries(14):
        response = client.get(url, {"sort": "preference_count"})
    assert response.status_code == 200
    assert response.context["counts"]["total"] == 13
    assert response.context["counts"]["with_preferences"] == 1
    export = client.get(reverse("practicum:round_export", args=[w.round_a.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row == 14
    assert any(row[1] == "Lê Thị Hoa" for row in sheet.iter_rows(values_only=True))


# --- Excel import ------------------------------------------------------------------------


def _workbook(tmp_path, rows, name="sv.xlsx"):
    kind = get_kind("practicum_students")
    wb = Workbook()
    ws = wb.active
    ws.title = kind.sheet_title
    ws.append([c.header for c in kind.columns])
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return kind, path


def test_import_creates_then_updates_never_duplicates(permission_world, tmp_path):
    w = permission_world
    rows = [
        [w.round_a.pk, "SV2001", "Phan Thị Ngọc", "Nữ", "02/05/2003", "ngoc@example.edu.vn",
         "0912345678", "Có", "Khmer", ""],
        [str(w.round_a.pk), "SV2002", "Hồ Văn Tài", "Nam", None, None, None, "Không", None, None],
        [w.round_a.name, "SV0001", "Lê Thị Hoa", "Nữ", None, None, None, None, None, None],
    ]  # fmt: skip
    kind, path = _workbook(tmp_path, rows)
    summary = commit(kind, path, user=w.coordinator, filename="sv.xlsx")
    assert summary["counts"]["new"] == 2 and summary["counts"]["unchanged"] == 1
    ngoc = Student.objects.get(student_code="SV2001")
    assert (ngoc.round, ngoc.vaccinated, ngoc.languages) == (w.round_a, True, "Khmer")
    assert ngoc.user.username == "perm-school-sv2001" and ngoc.user.email == "ngoc@example.edu.vn"
    users = User.objects.count()
    rows[1][2] = "Hồ Văn Tài Em"
    kind, path = _workbook(tmp_path, rows, "sv2.xlsx")
    summary = commit(kind, path, user=w.coordinator, filename="sv2.xlsx")
    assert summary["counts"]["updated"] == 1 and summary["counts"]["new"] == 0
    assert Student.objects.get(student_code="SV2002").full_name == "Hồ Văn Tài Em"
    assert User.objects.count() == users
    assert AuditEvent.objects.filter(action="import.practicum_students").count() == 2


def test_import_bad_rows_write_nothing_and_give_the_error_file(permission_world, tmp_path):
    w = permission_world
    other = round_create(
        period=w.period, school=w.school, by=w.coordinator, **_round_fields(w.period)
    )
    rows = [
        [w.round_a.pk, "SV3001", "Đặng Văn Hùng", "Nam", None, None, None, None, None, None],
        # already in round A of this period
        [other.pk, "SV0001", "Lê Thị Hoa", "Nữ", None, None, None, None, None, None],
        [w.round_b.pk, "SV3002", "Người Trường B", "Nữ", None, None, None, None, None, None],
        [w.round_a.pk, "SV3003", "Sai Giới", "Không rõ", None, None, "123", None, None, None],
    ]  # fmt: skip
    kind, path = _workbook(tmp_path, rows)
    students, users = Student.objects.count(), User.objects.count()
    analysis = analyse(kind, path, user=w.coordinator)
    rejected = {r.number: r.message for r in analysis.rows if r.status == REJECTED}
    assert set(rejected) == {3, 4, 5}
    assert "Đợt CTXH cá nhân" in rejected[3]  # names the round the student is in
    assert "Đợt thực tập" in rejected[4]  # school B's round: not one of the coordinator's
    assert "Giới tính" in rejected[5] and "Điện thoại" in rejected[5]
    errors = load_workbook(io.BytesIO(analysis.rejected_workbook())).active
    assert errors.max_row == 4 and errors.cell(1, errors.max_column).value == "Lỗi"
    with pytest.raises(ImportFileError):
        commit(kind, path, user=w.coordinator)
    assert (Student.objects.count(), User.objects.count()) == (students, users)


def test_round_page_links_to_the_import(permission_world):
    w = permission_world
    page = client_for(w.coordinator).get(reverse("practicum:round_detail", args=[w.round_a.pk]))
    assert reverse("imports:upload", args=["practicum_students"]) in page.content.decode()
    template = client_for(w.coordinator).get(
        reverse("imports:template", args=["practicum_students"])
    )
    assert template.status_code == 200


# --- the school's board ------------------------------------------------------------------


def test_school_board_section(permission_world):
    w = permission_world
    student_save(
        round=w.round_a, by=w.coordinator, student_code="SV4001", full_name="Chưa Chọn",
        gender="male",
    )  # fmt: skip
    board = client_for(w.coordinator).get(reverse("practicum:board"), {"period": w.period.pk})
    [(template, data)] = [s for s in board.context["sections"] if "_school" in s[0]]
    assert (data["students"], data["without_preferences"]) == (2, 1)
    assert not data["committed"]
    past = client_for(w.coordinator).get(reverse("practicum:board"), {"period": w.past_period.pk})
    [(template, data)] = [s for s in past.context["sections"] if "_school" in s[0]]
    assert data["committed"] and data["letters"] == 1
    assert data["letter_facilities"][0]["facility__name"] == "Cơ sở A"
    programme = client_for(w.programme).get(reverse("practicum:board"))
    assert not [s for s in programme.context["sections"] if "_school" in s[0]]
