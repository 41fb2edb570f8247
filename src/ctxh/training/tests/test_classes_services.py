"""The catalogue and class services: who may, what is refused, what is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ctxh.core.models import AuditEvent, Notification
from ctxh.core.transitions import IllegalTransition, available_transitions
from ctxh.testing import make_user
from ctxh.training.models import ClassSession, Course, Enrollment, TrainingClass
from ctxh.training.services.catalogue import course_save
from ctxh.training.services.classes import class_move, class_save, session_delete, session_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(permission_world):
    return permission_world


def _class_fields(w, **overrides):
    today = dt.date.today()
    values = {
        "course": w.course,
        "code": "LOP-MOI-1",
        "name": "Lớp kỹ năng tham vấn",
        "organizer": w.trainer_org,
        "starts_on": today + dt.timedelta(days=20),
        "ends_on": today + dt.timedelta(days=25),
        "capacity": 20,
        "funding": "programme",
        "min_attendance": 80,
    }
    values.update(overrides)
    return values


# --- courses -------------------------------------------------------------------------


def test_course_save_creates_and_audits(w):
    course = course_save(
        by=w.trainer,
        code="KN-TV",
        title="Kỹ năng tham vấn",
        topic="Tham vấn",
        hours=Decimal("24"),
        level="skills",
        provider=w.trainer_org,
    )
    assert course.pk and course.search_text.startswith("kn-tv ky nang tham van")
    event = AuditEvent.objects.get(action="course.create", object_id=str(course.pk))
    assert event.actor == w.trainer and event.new_values["title"] == "Kỹ năng tham vấn"
    course_save(by=w.trainer, course=course, hours=Decimal("32"))
    course.refresh_from_db()
    assert course.hours == Decimal("32")
    assert AuditEvent.objects.get(action="course.update").new_values == {"hours": "32"}


def test_course_of_another_provider_refused(w):
    with pytest.raises(PermissionDenied):
        course_save(
            by=w.trainer_b,
            code="X",
            title="X",
            topic="X",
            hours=4,
            level="skills",
            provider=w.trainer_org,
        )
    with pytest.raises(PermissionDenied):
        course_save(by=w.trainer_b, course=w.course, hours=5)
    with pytest.raises(PermissionDenied):
        course_save(by=w.manager_a, course=w.course, hours=5)
    assert not Course.objects.filter(code="X").exists()


def test_course_validation(w):
    with pytest.raises(ValidationError) as error:
        course_save(by=w.programme, code="Y", title="Y", topic="Y", hours=0, level="skills")
    assert "hours" in error.value.error_dict


# --- classes -------------------------------------------------------------------------


def test_class_save_with_sessions(w):
    values = _class_fields(w)
    day = values["starts_on"]
    klass = class_save(
        by=w.trainer,
        sessions=[{"date": day, "starts_at": dt.time(8), "ends_at": dt.time(11), "venue": "P1"}],
        **values,
    )
    assert klass.status == TrainingClass.Status.PLANNED and klass.created_by == w.trainer
    assert list(klass.sessions.values_list("venue", flat=True)) == ["P1"]
    assert AuditEvent.objects.filter(action="trainingclass.create", actor=w.trainer).exists()
    assert AuditEvent.objects.filter(action="classsession.create").count() == 1


def test_class_of_another_organiser_refused(w):
    with pytest.raises(PermissionDenied):
        class_save(by=w.trainer_b, **_class_fields(w))
    with pytest.raises(PermissionDenied):
        class_save(by=w.manager_a, **_class_fields(w))
    with pytest.raises(PermissionDenied):
        class_save(by=w.trainer_b, training_class=w.training_class, capacity=40)
    assert not TrainingClass.objects.filter(code="LOP-MOI-1").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("min_attendance", 120),
        ("min_attendance", -1),
        ("min_score", Decimal("11")),
        ("capacity", 0),
    ],
)
def test_completion_rule_and_capacity_refused(w, field, value):
    with pytest.raises(ValidationError) as error:
        class_save(by=w.programme, **_class_fields(w, **{field: value}))
    assert field in error.value.error_dict
    assert not TrainingClass.objects.filter(code="LOP-MOI-1").exists()


def test_completion_rule_above_100_has_a_clear_vietnamese_message(w):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as error:
        class_save(by=w.programme, **_class_fields(w, min_attendance=150))
    message = error.value.message_dict["min_attendance"][0]
    assert "0" in message and "100" in message and "150" in message
    assert "percentage" not in message  # translated


def test_dates_reversed_refused(w):
    today = dt.date.today()
    with pytest.raises(ValidationError) as error:
        class_save(
            by=w.programme, **_class_fields(w, starts_on=today, ends_on=today - dt.timedelta(1))
        )
    assert "ends_on" in error.value.error_dict


def test_class_dates_cannot_leave_a_session_outside(w):
    with pytest.raises(ValidationError) as error:
        class_save(
            by=w.trainer,
            training_class=w.training_class,
            starts_on=w.session.date + dt.timedelta(days=1),
        )
    assert "starts_on" in error.value.error_dict
    w.training_class.refresh_from_db()
    assert w.training_class.starts_on == w.session.date


def test_capacity_not_below_accepted(w):
    Enrollment.objects.create(
        training_class=w.training_class, person=w.person_b, status=Enrollment.Status.ACCEPTED
    )
    with pytest.raises(ValidationError) as error:
        class_save(by=w.trainer, training_class=w.training_class, capacity=1)
    assert "capacity" in error.value.error_dict


def test_finished_class_does_not_change(w):
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status="closed")
    w.training_class.refresh_from_db()
    with pytest.raises(ValidationError):
        class_save(by=w.trainer, training_class=w.training_class, capacity=40)
    with pytest.raises(ValidationError):
        session_save(
            training_class=w.training_class,
            by=w.trainer,
            date=w.session.date,
            starts_at=dt.time(8),
            ends_at=dt.time(9),
        )


# --- sessions ------------------------------------------------------------------------


def test_session_outside_class_dates_refused(w):
    klass = w.training_class
    count = ClassSession.objects.count()
    with pytest.raises(ValidationError) as error:
        session_save(
            training_class=klass,
            by=w.trainer,
            date=klass.ends_on + dt.timedelta(days=1),
            starts_at=dt.time(8),
            ends_at=dt.time(11),
        )
    assert "date" in error.value.error_dict
    assert klass.starts_on.strftime("%d/%m/%Y") in error.value.message_dict["date"][0]
    assert ClassSession.objects.count() == count
    assert not AuditEvent.objects.filter(action="classsession.create").exists()


def test_session_save_edit_and_delete(w):
    klass = w.training_class
    session = session_save(
        training_class=klass,
        by=w.trainer,
        date=klass.ends_on,
        starts_at=dt.time(13),
        ends_at=dt.time(16),
        online_link="https://meet.example.org/lop",
    )
    session_save(training_class=klass, by=w.trainer, session=session, venue="Phòng 2")
    session.refresh_from_db()
    assert session.venue == "Phòng 2"
    assert AuditEvent.objects.get(action="classsession.update").new_values == {"venue": "Phòng 2"}
    with pytest.raises(PermissionDenied):
        session_delete(session=session, by=w.trainer_b)
    session_delete(session=session, by=w.trainer)
    assert not ClassSession.objects.filter(pk=session.pk).exists()
    assert AuditEvent.objects.filter(action="classsession.delete").exists()


def test_session_with_attendance_not_deleted(w):
    from ctxh.training.models import Attendance

    Attendance.objects.create(
        session=w.session, enrollment=w.enrollment_a, status="present", method="organizer"
    )
    with pytest.raises(ValidationError):
        session_delete(session=w.session, by=w.trainer)
    assert ClassSession.objects.filter(pk=w.session.pk).exists()


# --- the workflow --------------------------------------------------------------------


def test_class_moves_through_the_workflow(w):
    klass = class_save(by=w.trainer, **_class_fields(w))
    targets = [t for t, _ in available_transitions(klass, w.trainer)]
    assert targets == [TrainingClass.Status.OPEN, TrainingClass.Status.CANCELLED]
    assert available_transitions(klass, w.trainer_b) == []
    class_move(training_class=klass, to=TrainingClass.Status.OPEN, by=w.trainer)
    assert klass.status == TrainingClass.Status.OPEN
    with pytest.raises(IllegalTransition):
        class_move(training_class=klass, to=TrainingClass.Status.CLOSED, by=w.trainer)
    with pytest.raises(PermissionDenied):
        class_move(training_class=klass, to=TrainingClass.Status.RUNNING, by=w.manager_a)
    assert AuditEvent.objects.filter(action="trainingclass.open").count() == 1


def test_cancelling_tells_participants_organisations(w, django_capture_on_commit_callbacks):
    person_user = w.person_user_a
    with django_capture_on_commit_callbacks(execute=True):
        class_move(
            training_class=w.training_class,
            to=TrainingClass.Status.CANCELLED,
            by=w.trainer,
            reason="Không đủ giảng viên",
        )
    told = set(Notification.objects.values_list("recipient", flat=True))
    assert w.manager_a.pk in told  # facility A nominated person A
    assert person_user.pk in told  # person A's own account
    assert w.manager_b.pk not in told
    event = AuditEvent.objects.get(action="trainingclass.cancel")
    assert event.new_values["reason"] == "Không đủ giảng viên"


def test_an_unknown_field_is_a_programming_error(w):
    with pytest.raises(TypeError):
        class_save(by=w.programme, training_class=w.training_class, status="closed")
    _ = make_user  # imported for other tests
