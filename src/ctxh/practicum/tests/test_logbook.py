"""The logbook's rules, decisions, progress and visibility (services and pages)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ctxh.core.models import AuditEvent, Notification
from ctxh.practicum.models import LogEntry, Placement, Student
from ctxh.practicum.selectors.instructors import instructor_for_user, supervises
from ctxh.practicum.selectors.logbook import HoursProgress, approvals_for, hours_progress
from ctxh.practicum.services import logbook as svc
from ctxh.testing import client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the source language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


S = LogEntry.Status


@pytest.fixture
def w(permission_world):
    return permission_world


def _today():
    return timezone.localdate()


def _write(w, *, days_ago=1, hours="2", client_id=None, submit=True, placement=None):
    return svc.entry_create(
        placement=placement or w.placement_practice,
        date=_today() - dt.timedelta(days=days_ago),
        hours=hours,
        activity="casework",
        description="Làm việc với thân chủ",
        client_id=client_id,
        submit=submit,
        by=(placement.student.user if placement else w.practising_student),
    )


def _nothing_written(before: int) -> None:
    assert LogEntry.objects.count() == before


# --- the rules --------------------------------------------------------------------------


def test_more_than_12_hours_a_day_is_refused(w):
    before = LogEntry.objects.count()
    # 6 hours already approved on that day: 7 more would make 13.
    with pytest.raises(ValidationError) as error:
        _write(w, days_ago=3, hours="7")
    assert "12" in error.value.message_dict["hours"][0]
    assert "6" in error.value.message_dict["hours"][0]
    _nothing_written(before)
    entry, created = _write(w, days_ago=3, hours="6")  # exactly 12 is fine
    assert created and entry.hours == Decimal("6")


@pytest.mark.parametrize("hours", ["0", "-1", "2.3", "12.5", "abc"])
def test_hours_must_be_half_hours_between_half_and_twelve(w, hours):
    before = LogEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        _write(w, hours=hours)
    assert "hours" in error.value.message_dict
    _nothing_written(before)


def test_entry_outside_the_placement_is_refused(w):
    before = LogEntry.objects.count()
    rnd = w.placement_practice.student.round
    for day, words in (
        (rnd.starts_on - dt.timedelta(days=1), "placement"),
        (_today() + dt.timedelta(days=1), "future"),
    ):
        with pytest.raises(ValidationError) as error:
            svc.entry_create(
                placement=w.placement_practice,
                date=day,
                hours="2",
                activity="casework",
                description="x",
                by=w.practising_student,
            )
        assert words in error.value.message_dict["date"][0]
    _nothing_written(before)


def test_only_the_student_writes_and_only_in_practice(w):
    with pytest.raises(PermissionDenied):
        svc.entry_create(
            placement=w.placement_practice,
            date=_today(),
            hours="1",
            activity="casework",
            description="x",
            by=w.instructor_a,
        )
    Placement.objects.filter(pk=w.placement_practice.pk).update(status=Placement.Status.WITHDRAWN)
    with pytest.raises(ValidationError, match="in practice"):
        _write(w)


def test_an_approved_entry_is_locked_and_corrected_by_a_new_version(w):
    approved = w.entry_approved
    before = LogEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        svc.entry_update(
            entry=approved,
            date=approved.date,
            hours="5",
            activity="casework",
            description="sửa",
            by=w.practising_student,
        )
    assert error.value.code == "locked"
    approved.refresh_from_db()
    assert approved.hours == Decimal("6") and approved.status == S.APPROVED
    _nothing_written(before)

    # The correction's hours replace the approved ones in the day's total (6 → 11 is fine).
    new = svc.entry_correct(
        entry=approved,
        date=approved.date,
        hours="11",
        activity="casework",
        description="Họp nhóm (bổ sung)",
        by=w.practising_student,
    )
    approved.refresh_from_db()
    assert (new.version, new.supersedes_id, new.status) == (2, approved.pk, S.SUBMITTED)
    assert not approved.current and approved.status == S.APPROVED
    # Only the latest version counts: nothing approved until the correction is.
    progress = hours_progress(w.placement_practice)
    assert progress.approved == 0 and progress.submitted == Decimal("15")
    with pytest.raises(ValidationError):  # the old version is not corrected twice
        svc.entry_correct(
            entry=approved,
            date=approved.date,
            hours="1",
            activity="casework",
            description="x",
            by=w.practising_student,
        )
    svc.entry_approve(entry=new, by=w.instructor_a)
    assert hours_progress(w.placement_practice).approved == Decimal("11")
    assert AuditEvent.objects.filter(action="logentry.correct", object_id=str(new.pk)).exists()


def test_returned_entry_is_edited_and_submitted_again(w, django_capture_on_commit_callbacks):
    entry = w.entry_submitted
    with pytest.raises(ValidationError):
        svc.entry_return(entry=entry, comment="  ", by=w.instructor_a)
    with django_capture_on_commit_callbacks(execute=True):
        svc.entry_return(entry=entry, comment="Ghi rõ mục tiêu", by=w.instructor_a)
    entry.refresh_from_db()
    assert entry.status == S.RETURNED and entry.comment == "Ghi rõ mục tiêu"
    assert Notification.objects.filter(recipient=w.practising_student).exists()
    svc.entry_update(
        entry=entry,
        date=entry.date,
        hours="4",
        activity="casework",
        description="Vãng gia: mục tiêu đánh giá nhu cầu",
        by=w.practising_student,
        submit=True,
    )
    entry.refresh_from_db()
    assert entry.status == S.SUBMITTED
    assert AuditEvent.objects.filter(action="logentry.resubmit", object_id=str(entry.pk)).exists()


def test_no_one_approves_their_own_entries(w):
    # instructor_a is also the student of a placement they supervise (a made-up conflict).
    student = Student.objects.get(pk=w.placement_practice.student_id)
    student.user = w.instructor_a
    student.save()
    entry = LogEntry.objects.get(pk=w.entry_submitted.pk)
    with pytest.raises(ValidationError, match="your own"):
        svc.entry_approve(entry=entry, by=w.instructor_a)
    with pytest.raises(ValidationError, match="your own"):
        svc.entries_approve(entries=[entry], by=w.instructor_a)
    entry.refresh_from_db()
    assert entry.status == S.SUBMITTED


def test_other_instructor_cannot_decide(w):
    with pytest.raises(PermissionDenied):
        svc.entry_approve(entry=w.entry_submitted, by=w.instructor_a2)
    with pytest.raises(PermissionDenied):
        svc.entries_approve(entries=[w.entry_submitted], by=w.manager_a)


# --- several at once --------------------------------------------------------------------


def test_bulk_approval_is_all_or_nothing(w):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        svc.entries_approve(entries=[w.entry_submitted, w.entry_draft], by=w.instructor_a)
    assert "Ngô Thị Hạnh" in error.value.messages[0]
    assert LogEntry.objects.get(pk=w.entry_submitted.pk).status == S.SUBMITTED
    assert AuditEvent.objects.count() == events
    assert svc.entries_approve(entries=[w.entry_submitted], by=w.instructor_a) == 1
    assert LogEntry.objects.get(pk=w.entry_submitted.pk).status == S.APPROVED


def test_week_approval_covers_all_own_students_only(w):
    day = w.entry_submitted.date
    monday = day - dt.timedelta(days=day.weekday())
    # A second own student at facility A, and the other instructor's student, same week.
    other_own = Placement.objects.get(pk=w.placement_other_instructor.pk)
    other_own.instructor = w.logbook_instructor_a
    other_own.save()
    entry_b, _ = svc.entry_create(
        placement=other_own,
        date=day,
        hours="3",
        activity="training",
        description="Tập huấn",
        by=other_own.student.user,
    )
    theirs = Placement.objects.create(
        student=Student.objects.create(
            round=other_own.student.round,
            user=make_user("student", w.school),
            student_code="SV1300",
            full_name="Hồ Văn Lộc",
            gender="male",
        ),
        offer=other_own.offer,
        period=other_own.period,
        school=w.school,
        facility=w.facility_a,
        instructor=w.logbook_instructor_a2,
        run=other_own.run,
        status=Placement.Status.ACCEPTED,
        proposed_at=timezone.now(),
    )
    entry_c, _ = svc.entry_create(
        placement=theirs,
        date=day,
        hours="3",
        activity="training",
        description="Tập huấn",
        by=theirs.student.user,
    )
    with pytest.raises(ValidationError, match="Monday"):
        svc.week_approve(
            instructor_user=w.instructor_a,
            week_start=monday + dt.timedelta(days=1),
            by=w.instructor_a,
        )
    count = svc.week_approve(instructor_user=w.instructor_a, week_start=monday, by=w.instructor_a)
    statuses = dict(
        LogEntry.objects.filter(pk__in=[w.entry_submitted.pk, entry_b.pk, entry_c.pk]).values_list(
            "pk", "status"
        )
    )
    assert count == 2
    assert statuses == {
        w.entry_submitted.pk: S.APPROVED,
        entry_b.pk: S.APPROVED,
        entry_c.pk: S.SUBMITTED,
    }
    assert AuditEvent.objects.filter(action="logentry.approve", actor=w.instructor_a).count() == 2
    with pytest.raises(ValidationError, match="No entry"):
        svc.week_approve(instructor_user=w.instructor_a, week_start=monday, by=w.instructor_a)
    with pytest.raises(PermissionDenied):
        svc.week_approve(instructor_user=w.instructor_a, week_start=monday, by=w.instructor_a2)


# --- re-sent entries --------------------------------------------------------------------


def test_a_resent_entry_is_not_written_twice(w):
    key = uuid.uuid4()
    first, created = _write(w, client_id=key)
    again, created_again = _write(w, client_id=str(key))
    assert created and not created_again and first.pk == again.pk
    assert LogEntry.objects.filter(client_id=key).count() == 1


def test_the_page_answers_json_and_is_idempotent(w):
    client = client_for(w.practising_student)
    url = reverse("practicum:logbook", args=[w.placement_practice.pk])
    data = {
        "date": (_today() - dt.timedelta(days=1)).isoformat(),
        "hours": "3.5",
        "activity": "community",
        "description": "Truyền thông cộng đồng",
        "client_id": str(uuid.uuid4()),
    }
    headers = {"Accept": "application/json"}
    first = client.post(url, data, headers=headers)
    second = client.post(url, data, headers=headers)
    assert first.status_code == 200 and first.json()["created"] is True
    assert second.status_code == 200 and second.json()["created"] is False
    assert LogEntry.objects.filter(client_id=data["client_id"]).count() == 1
    bad = client.post(url, {**data, "hours": "13", "client_id": str(uuid.uuid4())}, headers=headers)
    assert bad.status_code == 400 and "hours" in bad.json()["errors"]
    page = client.get(url)
    assert b"logbook_offline.js" in page.content and b"data-offline-form" in page.content


# --- progress ---------------------------------------------------------------------------


def _progress(today, approved="0", submitted="0"):
    start = dt.date(2025, 3, 3)
    return HoursProgress(
        required=100,
        approved=Decimal(approved),
        submitted=Decimal(submitted),
        starts_on=start,
        ends_on=start + dt.timedelta(days=9),  # 10 days
        today=start + dt.timedelta(days=today),
    )


def test_behind_schedule_is_against_a_steady_pace():
    assert _progress(0).expected == 0 and not _progress(0).behind  # first day: nobody behind
    assert _progress(-5).expected == 0
    # Day 6: five days done, a steady pace is at 50 h.
    assert _progress(5).expected == Decimal("50.0")
    assert _progress(5, approved="30", submitted="10").behind
    assert not _progress(5, approved="30", submitted="20").behind  # waiting hours count
    assert _progress(5, approved="30", submitted="20").percent_approved == 30
    assert _progress(5, approved="30", submitted="20").percent_submitted == 20
    # After the end: all the hours were due.
    assert _progress(15).expected == 100 and _progress(15, approved="99").behind
    assert not _progress(15, approved="100").behind and _progress(15, approved="100").complete
    # Bars never pass 100 %.
    p = _progress(3, approved="90", submitted="40")
    assert p.percent_approved + p.percent_submitted == 100


def test_hours_progress_of_a_placement(w):
    p = hours_progress(w.placement_practice)
    # Approved 6 h, submitted 4 h (the draft does not count); 200 h over the round.
    assert (p.approved, p.submitted, p.required) == (Decimal(6), Decimal(4), 200)
    assert p.behind  # 10 days of a 91-day round: a steady pace is at about 22 h


# --- who sees what ----------------------------------------------------------------------


def test_instructor_identity_and_supervision(w):
    assert instructor_for_user(w.instructor_a) == w.field_instructor_a
    assert supervises(w.instructor_a, w.placement_practice)
    assert not supervises(w.instructor_a2, w.placement_practice)
    assert not supervises(w.manager_a, w.placement_practice)
    # An unlinked instructor account is matched by its e-mail address.
    fi = w.field_instructor_a2
    fi.user = None
    fi.save()
    fi.person.email = "huong@example.vn"
    fi.person.save()
    user = make_user("field_instructor", w.facility_a)
    user.email = "HUONG@example.vn"
    user.save()
    assert instructor_for_user(user) == fi
    # An instructor of another facility does not supervise facility A's placement, even
    # when the placement names their record.
    elsewhere = make_user("field_instructor", w.facility_b)
    w.field_instructor_a.user = elsewhere
    w.field_instructor_a.save()
    assert not supervises(elsewhere, Placement.objects.get(pk=w.placement_practice.pk))
    response = client_for(elsewhere).get(
        reverse("practicum:logbook", args=[w.placement_practice.pk])
    )
    assert response.status_code == 404


def test_visibility_of_logbooks(w):
    other = reverse("practicum:logbook", args=[w.placement_other_instructor.pk])
    own = reverse("practicum:logbook", args=[w.placement_practice.pk])
    assert client_for(w.instructor_a).get(other).status_code == 404  # another instructor's
    assert client_for(w.instructor_a2).get(other).status_code == 200
    assert client_for(w.practising_student).get(other).status_code == 404  # only themself
    assert client_for(w.practising_student).get(own).status_code == 200
    decide = reverse("practicum:logentry_decide", args=[w.entry_submitted.pk])
    assert client_for(w.instructor_a2).post(decide, {"action": "approve"}).status_code == 404
    assert LogEntry.objects.get(pk=w.entry_submitted.pk).status == S.SUBMITTED
    # Read-only for the school and the facility: no form, no decision buttons.
    page = client_for(w.coordinator).get(own).content.decode()
    assert "data-offline-form" not in page and 'value="approve"' not in page
    # A proposed placement has no logbook.
    assert (
        client_for(w.coordinator)
        .get(reverse("practicum:logbook", args=[w.placement_a.pk]))
        .status_code
        == 404
    )


def test_approval_page_groups_and_has_a_constant_query_count(w):
    client = client_for(w.instructor_a)
    url = reverse("practicum:approvals")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.context["count"] == 1
    # Many more students and entries waiting.
    rnd = w.placement_practice.student.round
    for i in range(6):
        student = Student.objects.create(
            round=rnd,
            user=make_user("student", w.school),
            student_code=f"SV20{i:02d}",
            full_name=f"Sinh Viên {i}",
            gender="female",
        )
        placement = Placement.objects.create(
            student=student,
            offer=w.placement_practice.offer,
            period=w.logbook_period,
            school=w.school,
            facility=w.facility_a,
            instructor=w.logbook_instructor_a,
            status=Placement.Status.ACCEPTED,
            proposed_at=timezone.now(),
        )
        for d in range(1, 6):
            LogEntry.objects.create(
                placement=placement,
                date=_today() - dt.timedelta(days=d),
                hours=2,
                activity="casework",
                description="…",
                status=S.SUBMITTED,
                submitted_at=timezone.now() - dt.timedelta(days=d),
            )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["count"] == 31
    assert len(many) == len(few)
    data = approvals_for(w.instructor_a)
    assert sum(week.count for week in data["weeks"]) == 31
    assert data["oldest"] is not None
    assert "Sinh Viên 3" in response.content.decode()


def test_boards_show_hours_returned_entries_and_entries_to_approve(w):
    svc.entry_return(entry=w.entry_submitted, comment="Bổ sung", by=w.instructor_a)
    url = reverse("practicum:board") + f"?period={w.logbook_period.pk}"
    page = client_for(w.practising_student).get(url)
    assert page.status_code == 200
    board = dict(page.context["sections"])["practicum/board/_student.html"]
    assert board["progress"].approved == 6 and board["progress"].returned == 1
    assert 'data-testid="board-returned"' in page.content.decode()
    LogEntry.objects.filter(pk=w.entry_draft.pk).update(
        status=S.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=3)
    )
    page = client_for(w.instructor_a).get(url)
    board = dict(page.context["sections"])["practicum/board/_facility.html"]
    assert board["to_approve"]["count"] == 1
    assert [p.pk for p in board["my_students"]] == [w.placement_practice.pk]
    assert 'data-testid="to-approve"' in page.content.decode()


def test_approval_page_approves_or_returns_one_entry(w):
    client = client_for(w.instructor_a)
    url = reverse("practicum:approvals")
    page = client.get(url).content.decode()
    assert f'name="one" value="{w.entry_submitted.pk}"' in page
    # Returning without a comment is refused with a message; with one, it is returned.
    pk = w.entry_submitted.pk
    client.post(url, {"op": "entries", "entry": [pk], "return": pk, f"comment_{pk}": ""})
    assert LogEntry.objects.get(pk=pk).status == S.SUBMITTED
    client.post(url, {"op": "entries", "entry": [pk], "return": pk, f"comment_{pk}": "Thiếu"})
    assert LogEntry.objects.get(pk=pk).status == S.RETURNED
    svc.entry_submit(entry=LogEntry.objects.get(pk=pk), by=w.practising_student)
    client.post(url, {"op": "entries", "entry": [pk], "one": pk})
    assert LogEntry.objects.get(pk=pk).status == S.APPROVED
    # Another instructor cannot reach it through the page.
    other = client_for(w.instructor_a2).post(url, {"op": "entries", "one": w.entry_draft.pk})
    assert other.status_code == 302
    assert LogEntry.objects.get(pk=w.entry_draft.pk).status == S.DRAFT
