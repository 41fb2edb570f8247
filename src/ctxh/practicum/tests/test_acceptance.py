"""The facilities' decisions: accept (within seats and the instructor's places, before the
deadline), decline (with a reason), in bulk all or nothing; who is told, after commit;
decision times; reminders once per window."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from ctxh.core.models import AuditEvent, Notification
from ctxh.practicum.models import Placement, PlacementPeriod
from ctxh.practicum.selectors.decisions import decision_times
from ctxh.practicum.services.acceptance import (
    placement_accept,
    placement_decline,
    placements_accept_bulk,
    placements_decline_bulk,
)
from ctxh.practicum.services.reminders import remind_overdue

from .acceptance_helpers import propose, with_email

pytestmark = pytest.mark.django_db


def _status(*placements):
    return [Placement.objects.get(pk=p.pk).status for p in placements]


def test_accept_names_the_instructor_and_tells_student_and_school(
    permission_world, django_capture_on_commit_callbacks
):
    w = permission_world
    student = with_email(w.placement_a.student.user, "mai@example.vn")
    with_email(w.coordinator, "dieu-phoi@example.vn")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        placement_accept(placement=w.placement_a, instructor=w.past_instructor_a, by=w.manager_a)
        assert not Notification.objects.exists() and not mail.outbox  # only after commit
    for callback in callbacks:
        callback()
    p = Placement.objects.get(pk=w.placement_a.pk)
    assert p.status == "accepted" and p.instructor == w.past_instructor_a
    assert p.decided_by == w.manager_a and p.days_to_decide == 3
    event = AuditEvent.objects.get(action="placement.accept", object_id=str(p.pk))
    assert event.actor == w.manager_a
    assert event.old_values["status"] == "proposed" and event.new_values["status"] == "accepted"
    assert Notification.objects.filter(recipient=student).count() == 1
    assert Notification.objects.filter(recipient=w.coordinator).count() == 1
    assert not Notification.objects.filter(recipient=w.coordinator_b).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["dieu-phoi@example.vn", "mai@example.vn"]
    assert "Cơ sở A" in Notification.objects.get(recipient=student).title


def test_accept_checks_the_instructor(permission_world):
    w = permission_world
    with pytest.raises(ValidationError, match="Đỗ Thị Mai"):
        placement_accept(placement=w.placement_a, instructor=None, by=w.manager_a)
    with pytest.raises(ValidationError):  # an instructor of another period's offer
        placement_accept(placement=w.placement_a, instructor=w.period_instructor_a, by=w.manager_a)
    assert _status(w.placement_a) == ["proposed"]
    # An offer naming no instructor: accepted without one.
    placement_accept(placement=w.placement_b, instructor=None, by=w.manager_b)
    assert _status(w.placement_b) == ["accepted"]


def test_only_the_facility_or_the_programme_decides(permission_world):
    w = permission_world
    for user in (w.manager_b, w.coordinator, w.instructor_a, w.past_student_a):
        with pytest.raises(PermissionDenied):
            placement_accept(placement=w.placement_a, instructor=w.past_instructor_a, by=user)
    placement_decline(placement=w.placement_a, reason="Hết chỗ ở", by=w.programme)
    assert _status(w.placement_a) == ["declined"]


def test_after_the_deadline_nothing_is_written(permission_world):
    w = permission_world
    PlacementPeriod.objects.filter(pk=w.past_period.pk).update(
        acceptance_deadline=timezone.now() - dt.timedelta(hours=1)
    )
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="deadline|hạn") as error:
        placement_accept(placement=w.placement_a, instructor=w.past_instructor_a, by=w.manager_a)
    assert "Đỗ Thị Mai" in str(error.value)
    with pytest.raises(ValidationError):
        placement_decline(placement=w.placement_a, reason="Muộn", by=w.manager_a)
    assert _status(w.placement_a) == ["proposed"] and AuditEvent.objects.count() == events


def test_instructor_over_capacity_is_refused(permission_world):
    w = permission_world  # the instructor takes 2 students in the period, the offer 3
    more = propose(w, 2)
    placement_accept(placement=w.placement_a, instructor=w.past_instructor_a, by=w.manager_a)
    placement_accept(placement=more[0], instructor=w.past_instructor_a, by=w.manager_a)
    with pytest.raises(ValidationError, match="Võ Thị Kiểm") as error:
        placement_accept(placement=more[1], instructor=w.past_instructor_a, by=w.manager_a)
    assert more[1].student.full_name in str(error.value)
    assert _status(more[1]) == ["proposed"]


def test_seats_full_is_refused(permission_world):
    w = permission_world
    type(w.past_instructor_a).objects.filter(pk=w.past_instructor_a.pk).update(capacity=10)
    more = propose(w, 3)
    for p in [w.placement_a, *more[:2]]:
        placement_accept(placement=p, instructor=w.past_instructor_a, by=w.manager_a)
    with pytest.raises(ValidationError) as error:
        placement_accept(placement=more[2], instructor=w.past_instructor_a, by=w.manager_a)
    assert "3" in str(error.value) and more[2].student.full_name in str(error.value)
    assert Placement.objects.filter(offer=w.placement_a.offer, status="accepted").count() == 3


def test_bulk_accept_is_all_or_nothing(permission_world):
    w = permission_world
    more = propose(w, 2)
    rows = [w.placement_a, *more]
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        placements_accept_bulk(
            placements=rows,
            instructor_for={p.pk: w.past_instructor_a for p in rows},
            by=w.manager_a,
        )
    assert more[1].student.full_name in str(error.value)  # the third is over capacity
    assert _status(*rows) == ["proposed"] * 3 and AuditEvent.objects.count() == events
    result = placements_accept_bulk(
        placements=rows[:2],
        instructor_for={p.pk: w.past_instructor_a for p in rows},
        by=w.manager_a,
    )
    assert result.count == 2 and _status(*rows) == ["accepted", "accepted", "proposed"]
    # A decided one in a bulk: refused, named, nothing written.
    with pytest.raises(ValidationError, match="Đỗ Thị Mai"):
        placements_decline_bulk(placements=[more[1], w.placement_a], reason="x", by=w.manager_a)
    assert _status(more[1]) == ["proposed"]


def test_decline_needs_a_reason_and_returns_the_student_to_the_pool(
    permission_world, django_capture_on_commit_callbacks
):
    w = permission_world
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as error:
            placement_decline(placement=w.placement_a, reason=reason, by=w.manager_a)
        assert "reason" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        placements_decline_bulk(
            placements=[w.placement_a, *propose(w, 1)], reason="  Đang sửa chữa  ", by=w.manager_a
        )
    p = Placement.objects.get(pk=w.placement_a.pk)
    assert p.status == "declined" and p.decline_reason == "Đang sửa chữa"
    event = AuditEvent.objects.get(action="placement.decline", object_id=str(p.pk))
    assert event.new_values["reason"] == "Đang sửa chữa"
    # Back in the pool: the student may be proposed again (one active placement at most).
    Placement.objects.create(
        student=p.student,
        offer=w.placement_b.offer,
        period=p.period,
        school=p.school,
        facility=w.facility_b,
        proposed_at=timezone.now(),
    )
    assert Notification.objects.filter(recipient=w.coordinator).count() == 1  # one per school
    assert Notification.objects.filter(recipient=w.programme).count() == 1
    assert "Đang sửa chữa" in Notification.objects.get(recipient=w.programme).body


def test_decision_times(permission_world):
    w = permission_world
    more = propose(w, 2, days_ago=10)
    placement_accept(placement=w.placement_a, instructor=w.past_instructor_a, by=w.manager_a)
    placement_decline(placement=more[0], reason="Không phù hợp", by=w.manager_a)
    figures = decision_times(w.past_period)
    a, b = figures[w.facility_a.pk], figures[w.facility_b.pk]
    assert (a.decided, a.pending, a.overdue, a.max_days, a.mean_days) == (2, 1, 1, 10, 6.5)
    assert (b.decided, b.pending, b.overdue) == (0, 1, 1)


def test_reminders_once_per_window(permission_world, django_capture_on_commit_callbacks):
    w = permission_world
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue(now=now) == 2  # facilities A and B (3 days ≥ 3)
    assert Notification.objects.filter(recipient=w.manager_a).count() == 1
    assert Notification.objects.filter(recipient=w.manager_b).count() == 1
    assert AuditEvent.objects.filter(action="placementperiod.remind").count() == 2
    assert Placement.objects.get(pk=w.placement_a.pk).reminded_at == now
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue(now=now + dt.timedelta(days=1)) == 0
        assert remind_overdue(period=w.past_period, now=now + dt.timedelta(days=2)) == 0
    assert Notification.objects.filter(recipient=w.manager_a).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_overdue(now=now + dt.timedelta(days=3, minutes=1)) == 2
    assert Notification.objects.filter(recipient=w.manager_a).count() == 2
    # Only the programme office reminds by hand (and may force one facility now).
    with pytest.raises(PermissionDenied):
        remind_overdue(period=w.past_period, by=w.manager_a)
    assert remind_overdue(period=w.past_period, facility=w.facility_a, force=True, by=w.programme)


def test_reminders_skip_recent_proposals_and_the_command(
    permission_world, django_capture_on_commit_callbacks
):
    w = permission_world
    # The command runs every reminder of the platform; these are the overdue proposals'.
    overdue = Notification.objects.filter(url__startswith=reverse("practicum:proposals"))
    Placement.objects.update(proposed_at=timezone.now() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("practicum_remind", verbosity=0)
    assert not overdue.exists()
    Placement.objects.update(proposed_at=timezone.now() - dt.timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("practicum_remind", verbosity=0)
    assert overdue.filter(recipient=w.manager_a).count() == 1
    assert AuditEvent.objects.filter(action="placementperiod.remind", source="command").count() == 2
