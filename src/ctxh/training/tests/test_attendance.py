"""Attendance: the organiser's bulk ticks, the QR check-in (once, late, expired, unknown,
not a participant), scores and the completion rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ctxh.core.models import AuditEvent
from ctxh.testing import client_for, database_snapshot
from ctxh.training.models import Attendance, ClassSession, Enrollment, TrainingClass
from ctxh.training.services import attendance as service

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@pytest.fixture
def world(permission_world):
    """The permission world plus a morning session (08:00–11:00) tomorrow and a second
    accepted participant (person B, not linked to an account)."""
    w = permission_world
    w.morning = ClassSession.objects.create(
        training_class=w.training_class,
        date=timezone.localdate() + dt.timedelta(days=1),
        starts_at=dt.time(8, 0),
        ends_at=dt.time(11, 0),
        venue="Phòng 2",
    )
    w.enrollment_b = Enrollment.objects.create(
        training_class=w.training_class,
        person=w.person_b,
        organization=w.facility_b,
        status=Enrollment.Status.ACCEPTED,
    )
    return w


def test_mark_in_bulk_writes_all_and_one_audit_event(world):
    w = world
    counts = service.attendance_mark(
        session=w.session,
        marks={w.enrollment_a.pk: "present", str(w.enrollment_b.pk): "late"},
        by=w.trainer,
    )
    assert counts == {"present": 1, "late": 1, "absent": 0}
    rows = dict(Attendance.objects.values_list("enrollment_id", "status"))
    assert rows == {w.enrollment_a.pk: "present", w.enrollment_b.pk: "late"}
    events = AuditEvent.objects.filter(action="attendance.mark")
    assert events.count() == 1
    event = events.get()
    assert event.new_values["present"] == 1 and event.new_values["late"] == 1
    assert "Ánh" not in str(event.new_values)  # counts, no names
    # Changing one mark updates it; the same marks again write nothing.
    service.attendance_mark(session=w.session, marks={w.enrollment_b.pk: "absent"}, by=w.trainer)
    assert Attendance.objects.get(enrollment=w.enrollment_b).status == "absent"
    before = AuditEvent.objects.count()
    service.attendance_mark(session=w.session, marks={w.enrollment_b.pk: "absent"}, by=w.trainer)
    assert AuditEvent.objects.count() == before


def test_mark_refuses_everything_when_one_mark_is_wrong(world):
    w = world
    declined = Enrollment.objects.create(
        training_class=w.training_class,
        full_name="Người Ngoài",
        status=Enrollment.Status.DECLINED,
    )
    before = database_snapshot()
    for marks in (
        {w.enrollment_a.pk: "present", declined.pk: "present"},
        {w.enrollment_a.pk: "present", w.enrollment_b.pk: "asleep"},
        {"abc": "present"},
    ):
        with pytest.raises(ValidationError):
            service.attendance_mark(session=w.session, marks=marks, by=w.trainer)
    assert database_snapshot() == before


def test_mark_is_for_the_organiser_only(world):
    w = world
    for user in (w.trainer_b, w.viewer, w.manager_a):
        with pytest.raises(PermissionDenied):
            service.attendance_mark(
                session=w.session, marks={w.enrollment_a.pk: "present"}, by=user
            )
    service.attendance_mark(session=w.session, marks={w.enrollment_a.pk: "absent"}, by=w.programme)


def test_mark_refused_once_the_class_is_closed(world):
    w = world
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status="closed")
    w.session.refresh_from_db()
    with pytest.raises(ValidationError, match="đang nhận đề cử hoặc đang diễn ra"):
        service.attendance_mark(
            session=w.session, marks={w.enrollment_a.pk: "present"}, by=w.trainer
        )


def test_checkin_on_time_then_twice(world):
    w = world
    day = w.morning.date
    result = service.checkin(
        token=w.morning.checkin_token, user=w.person_user_a, now=_at(day, 7, 50)
    )
    assert result.attendance.status == "present" and result.attendance.method == "qr"
    assert AuditEvent.objects.filter(action="attendance.checkin", actor=w.person_user_a).exists()
    before = database_snapshot()
    with pytest.raises(ValidationError) as error:
        service.checkin(token=w.morning.checkin_token, user=w.person_user_a, now=_at(day, 8, 30))
    hhmm = timezone.localtime(result.attendance.recorded_at).strftime("%H:%M")
    assert error.value.messages == [f"Điểm danh của bạn đã được ghi nhận lúc {hhmm}."]
    assert database_snapshot() == before


def test_checkin_late_after_fifteen_minutes(world):
    w = world
    day = w.morning.date
    result = service.checkin(
        token=w.morning.checkin_token, user=w.person_user_a, now=_at(day, 8, 16)
    )
    assert result.late and result.attendance.status == Attendance.Status.LATE


def test_checkin_replaces_an_absent_ticked_before_arrival(world):
    w = world
    service.attendance_mark(session=w.morning, marks={w.enrollment_a.pk: "absent"}, by=w.trainer)
    service.checkin(
        token=w.morning.checkin_token, user=w.person_user_a, now=_at(w.morning.date, 9, 0)
    )
    assert Attendance.objects.get(session=w.morning, enrollment=w.enrollment_a).status == "late"


@pytest.mark.parametrize(
    ("token", "hour", "minute", "expected"),
    [
        ("nope", 9, 0, "Mã điểm danh này không hợp lệ"),
        (None, 7, 44, "chỉ được chấp nhận trong buổi học"),  # before 07:45
        (None, 11, 16, "chỉ được chấp nhận trong buổi học"),  # after 11:15
    ],
)
def test_checkin_unknown_or_expired_code_writes_nothing(world, token, hour, minute, expected):
    w = world
    before = database_snapshot()
    with pytest.raises(ValidationError) as error:
        service.checkin(
            token=token or w.morning.checkin_token,
            user=w.person_user_a,
            now=_at(w.morning.date, hour, minute),
        )
    assert expected in error.value.messages[0]
    assert database_snapshot() == before


def test_checkin_edges_of_the_window_are_accepted(world):
    w = world
    service.checkin(
        token=w.morning.checkin_token, user=w.person_user_a, now=_at(w.morning.date, 11, 15)
    )
    assert Attendance.objects.get(session=w.morning).status == "late"


def test_checkin_by_someone_not_accepted_writes_nothing(world):
    w = world
    before = database_snapshot()
    for user in (w.nobody, w.trainer):
        with pytest.raises(ValidationError, match="không phải là học viên"):
            service.checkin(token=w.morning.checkin_token, user=user, now=_at(w.morning.date, 8, 0))
    Enrollment.objects.filter(pk=w.enrollment_a.pk).update(status="withdrawn")
    with pytest.raises(ValidationError):
        service.checkin(
            token=w.morning.checkin_token, user=w.person_user_a, now=_at(w.morning.date, 8, 0)
        )
    Enrollment.objects.filter(pk=w.enrollment_a.pk).update(status="accepted")
    assert database_snapshot() == before


def test_checkin_page_on_a_phone(world):
    """The page a phone opens from the QR code: small, one big button, no wide table."""
    w = world
    client = client_for(w.person_user_a)
    url = reverse("training:checkin", kwargs={"token": w.session.checkin_token})
    page = client.get(url, headers={"user-agent": "Mozilla/5.0 (iPhone; 390x844)"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert 'data-testid="checkin-button"' in html and "w-100" in html
    assert "<table" not in html
    assert "max-width: 30rem" in html  # 480 px at most: fits 390 px with the page padding
    done = client.post(url, follow=True)
    assert "Điểm danh lúc" in done.content.decode()
    assert 'data-testid="checkin-recorded"' in done.content.decode()
    again = client.post(url, follow=True).content.decode()
    assert "đã được ghi nhận lúc" in again
    assert Attendance.objects.filter(session=w.session).count() == 1


def test_checkin_page_unknown_code(world):
    page = client_for(world.person_user_a).get(
        reverse("training:checkin", kwargs={"token": "khong-co"})
    )
    assert page.status_code == 404
    assert "Mã điểm danh này không hợp lệ" in page.content.decode()


def test_session_qr_page_shows_the_code_to_the_checkin_url(world):
    w = world
    page = client_for(w.trainer).get(reverse("training:session_qr", kwargs={"pk": w.session.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and w.session.checkin_token in html


def test_attendance_grid_shows_late_and_absent_and_saves_a_session(world):
    w = world
    client = client_for(w.trainer)
    url = reverse("training:attendance", kwargs={"pk": w.training_class.pk})
    response = client.post(
        url,
        {"session": w.session.pk, f"mark_{w.enrollment_a.pk}": "late", "fill": "present"},
    )
    assert response.status_code == 302
    rows = dict(Attendance.objects.filter(session=w.session).values_list("enrollment", "status"))
    assert rows == {w.enrollment_a.pk: "late", w.enrollment_b.pk: "present"}
    service.attendance_mark(session=w.morning, marks={w.enrollment_b.pk: "absent"}, by=w.trainer)
    html = client.get(url).content.decode()
    assert 'data-testid="attendance-grid"' in html
    assert "text-bg-warning" in html and "text-bg-danger" in html
    assert "Nguyễn Thị Ánh" in html and "Trần Văn Bảo" in html
    # A bad status: a message, nothing written.
    before = database_snapshot()
    page = client.post(
        url, {"session": w.session.pk, f"mark_{w.enrollment_a.pk}": "x"}, follow=True
    )
    assert "Trạng thái điểm danh không xác định" in page.content.decode()
    assert _without_sessions(database_snapshot()) == _without_sessions(before)


def _without_sessions(snapshot):
    return {k: v for k, v in snapshot.items() if k != "django_session"}


def test_scores_out_of_range_write_nothing(world):
    w = world
    before = database_snapshot()
    for bad in ("10,5", "-1", "abc", "nan"):
        with pytest.raises(ValidationError, match="từ 0 đến 10"):
            service.scores_set(
                training_class=w.training_class,
                scores={w.enrollment_a.pk: "8", w.enrollment_b.pk: bad},
                by=w.trainer,
            )
    assert database_snapshot() == before
    assert (
        service.scores_set(
            training_class=w.training_class,
            scores={w.enrollment_a.pk: "8,5", w.enrollment_b.pk: ""},
            by=w.trainer,
        )
        == 1
    )
    w.enrollment_a.refresh_from_db()
    assert w.enrollment_a.test_score == Decimal("8.5")


def test_completion_from_attendance_and_score(world):
    w = world
    TrainingClass.objects.filter(pk=w.training_class.pk).update(
        min_attendance=50, min_score=Decimal("5")
    )
    w.training_class.refresh_from_db()
    # A: 2 of 2 sessions (one late), score 7 → completed; B: 1 of 2, no score → not.
    service.attendance_mark(
        session=w.session,
        marks={w.enrollment_a.pk: "present", w.enrollment_b.pk: "present"},
        by=w.trainer,
    )
    service.attendance_mark(
        session=w.morning,
        marks={w.enrollment_a.pk: "late", w.enrollment_b.pk: "absent"},
        by=w.trainer,
    )
    service.scores_set(
        training_class=w.training_class, scores={w.enrollment_a.pk: "7"}, by=w.trainer
    )
    counts = service.completion_compute(training_class=w.training_class, by=w.trainer)
    assert counts["participants"] == 2 and counts["completed"] == 1
    a, b = (Enrollment.objects.get(pk=e.pk) for e in (w.enrollment_a, w.enrollment_b))
    assert (a.attendance_rate, a.completed) == (Decimal("100.00"), True)
    assert (b.attendance_rate, b.completed) == (Decimal("50.00"), False)  # no score
    assert AuditEvent.objects.filter(action="trainingclass.completion").count() == 1
    # Raising the bar to 60 %: B is not completed by attendance either; a score of 4 for A
    # fails the test.
    service.scores_set(
        training_class=w.training_class, scores={w.enrollment_a.pk: "4"}, by=w.trainer
    )
    service.completion_compute(training_class=w.training_class, by=w.trainer)
    assert Enrollment.objects.get(pk=w.enrollment_a.pk).completed is False
    with pytest.raises(PermissionDenied):
        service.completion_compute(training_class=w.training_class, by=w.trainer_b)
