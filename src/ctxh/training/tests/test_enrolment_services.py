"""Nominations, decisions up to capacity, the waiting list, self-registration and
participants outside the registry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ctxh.core.models import AuditEvent, Notification
from ctxh.core.transitions import IllegalTransition
from ctxh.testing import make_user
from ctxh.training.models import Enrollment, TrainingClass
from ctxh.training.services import enrolment as services
from ctxh.workforce.models import Person
from ctxh.workforce.tests.factories import PersonFactory, employ

pytestmark = pytest.mark.django_db
S = Enrollment.Status


@pytest.fixture
def w(permission_world):
    return permission_world


def _ward_staff(w, n, **kwargs):
    people = []
    for i in range(n):
        person = PersonFactory(full_name=f"Lê Thị Phường {i}", **kwargs)
        employ(person, w.ward_office_a)
        people.append(person)
    return people


def _small_class(w, capacity=2):
    TrainingClass.objects.filter(pk=w.training_class.pk).update(capacity=capacity)
    Enrollment.objects.filter(pk=w.enrollment_a.pk).delete()
    w.training_class.refresh_from_db()
    return w.training_class


# --- nominations ---------------------------------------------------------------------


def test_ward_office_nominates_its_staff(w):
    people = _ward_staff(w, 2)
    rows = services.nominate(training_class=w.training_class, people=people, by=w.ward_officer_a)
    assert [r.status for r in rows] == [S.NOMINATED, S.NOMINATED]
    assert {r.organization_id for r in rows} == {w.ward_office_a.pk}
    assert all(r.nominated_by == w.ward_officer_a for r in rows)
    assert AuditEvent.objects.filter(action="enrollment.nominate").count() == 2


def test_nomination_beyond_the_organisations_scope_refused(w):
    mine = _ward_staff(w, 1)
    before = Enrollment.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.nominate(
            training_class=w.training_class, people=[*mine, w.person_b], by=w.ward_officer_a
        )
    assert error.value.messages == ["Trần Văn Bảo is not one of your organisation's staff."]
    assert Enrollment.objects.count() == before  # all or nothing
    assert not AuditEvent.objects.filter(action="enrollment.nominate").exists()


def test_nomination_refusal_in_vietnamese(w):
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        services.nominate(training_class=w.training_class, people=[w.person_b], by=w.manager_a)
    assert "Trần Văn Bảo" in error.value.messages[0]
    assert "organisation" not in error.value.messages[0]


def test_nomination_of_someone_already_in_the_class(w):
    with pytest.raises(ValidationError) as error:
        services.nominate(training_class=w.training_class, people=[w.person_a], by=w.manager_a)
    assert "Nguyễn Thị Ánh" in error.value.messages[0]


def test_nomination_only_while_open(w):
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status="planned")
    w.training_class.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.nominate(
            training_class=w.training_class, people=_ward_staff(w, 1), by=w.ward_officer_a
        )
    assert error.value.code == "not_open"


def test_only_nominating_roles_nominate(w):
    with pytest.raises(PermissionDenied):
        services.nominate(training_class=w.training_class, people=[w.person_a], by=w.trainer)


# --- decisions, capacity and the waiting list ----------------------------------------


def test_accept_up_to_capacity_then_waiting_list_in_nomination_order(w):
    klass = _small_class(w, capacity=2)
    people = _ward_staff(w, 4)
    rows = []
    for person in people:  # one by one: a nomination order
        rows += services.nominate(training_class=klass, people=[person], by=w.ward_officer_a)
    result = services.decide(enrollments=list(reversed(rows)), to=S.ACCEPTED, by=w.trainer)
    assert [r.pk for r in result.accepted] == [rows[0].pk, rows[1].pk]
    assert [r.pk for r in result.waitlisted] == [rows[2].pk, rows[3].pk]
    statuses = dict(Enrollment.objects.filter(training_class=klass).values_list("pk", "status"))
    assert [statuses[r.pk] for r in rows] == [S.ACCEPTED, S.ACCEPTED, S.WAITLISTED, S.WAITLISTED]
    positions = [Enrollment.objects.get(pk=r.pk).waitlist_position for r in rows[2:]]
    assert positions[0] < positions[1]
    assert klass.enrollments.filter(status=S.ACCEPTED).count() == klass.capacity


def test_decide_refused_to_others(w):
    rows = services.nominate(
        training_class=w.training_class, people=_ward_staff(w, 1), by=w.ward_officer_a
    )
    for user in (w.trainer_b, w.ward_officer_a, w.manager_a):
        with pytest.raises(PermissionDenied):
            services.decide(enrollments=rows, to=S.ACCEPTED, by=user)
    assert Enrollment.objects.get(pk=rows[0].pk).status == S.NOMINATED


def test_decline_and_illegal_move(w):
    rows = services.nominate(
        training_class=w.training_class, people=_ward_staff(w, 1), by=w.ward_officer_a
    )
    services.decide(enrollments=rows, to=S.DECLINED, by=w.trainer)
    assert Enrollment.objects.get(pk=rows[0].pk).status == S.DECLINED
    with pytest.raises(IllegalTransition):
        services.decide(enrollments=rows, to=S.ACCEPTED, by=w.trainer)


def test_withdrawal_moves_the_waiting_list_up(w, django_capture_on_commit_callbacks):
    klass = _small_class(w, capacity=1)
    first, second = _ward_staff(w, 2)
    rows = services.nominate(training_class=klass, people=[first], by=w.ward_officer_a)
    rows += services.nominate(training_class=klass, people=[second], by=w.ward_officer_a)
    services.decide(enrollments=rows, to=S.ACCEPTED, by=w.trainer)
    assert Enrollment.objects.get(pk=rows[1].pk).status == S.WAITLISTED
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw(enrollment=rows[0], by=w.ward_officer_a, reason="Bận công tác")
    assert Enrollment.objects.get(pk=rows[0].pk).status == S.WITHDRAWN
    moved = Enrollment.objects.get(pk=rows[1].pk)
    assert moved.status == S.ACCEPTED and moved.waitlist_position is None
    event = AuditEvent.objects.filter(action="enrollment.accept", object_id=str(moved.pk)).last()
    assert event.actor is None and first.full_name in event.new_values["reason"]
    told = Notification.objects.filter(recipient=w.ward_officer_a)
    assert told.filter(title__contains=second.full_name).exists()


def test_withdrawing_a_waiting_person_moves_nobody(w):
    klass = _small_class(w, capacity=1)
    people = _ward_staff(w, 3)
    rows = []
    for person in people:
        rows += services.nominate(training_class=klass, people=[person], by=w.ward_officer_a)
    services.decide(enrollments=rows, to=S.ACCEPTED, by=w.trainer)
    services.withdraw(enrollment=rows[1], by=w.ward_officer_a)
    assert Enrollment.objects.get(pk=rows[2].pk).status == S.WAITLISTED
    assert klass.enrollments.filter(status=S.ACCEPTED).count() == 1


def test_withdraw_by_the_organisation_the_organiser_or_the_person_only(w):
    with pytest.raises(PermissionDenied):
        services.withdraw(enrollment=w.enrollment_a, by=w.manager_b)
    with pytest.raises(PermissionDenied):
        services.withdraw(enrollment=w.enrollment_a, by=w.trainer_b)
    with pytest.raises(PermissionDenied):
        services.withdraw(enrollment=w.enrollment_a, by=w.viewer)
    # The person themself may (their own account, through Person.user).
    services.withdraw(enrollment=w.enrollment_a, by=w.person_user_a, reason="Bận công tác")
    assert Enrollment.objects.get(pk=w.enrollment_a.pk).status == S.WITHDRAWN


def test_raising_the_capacity_moves_the_waiting_list_up(w):
    from ctxh.training.services.classes import class_save

    klass = _small_class(w, capacity=1)
    rows = services.nominate(training_class=klass, people=_ward_staff(w, 2), by=w.ward_officer_a)
    services.decide(enrollments=rows, to=S.ACCEPTED, by=w.trainer)
    class_save(by=w.trainer, training_class=klass, capacity=2)
    assert klass.enrollments.filter(status=S.ACCEPTED).count() == 2


def test_decisions_on_a_closed_class_refused(w):
    rows = services.nominate(
        training_class=w.training_class, people=_ward_staff(w, 1), by=w.ward_officer_a
    )
    TrainingClass.objects.filter(pk=w.training_class.pk).update(status="closed")
    with pytest.raises(ValidationError):
        services.decide(enrollments=rows, to=S.ACCEPTED, by=w.trainer)
    with pytest.raises(ValidationError):
        services.withdraw(enrollment=rows[0], by=w.ward_officer_a)


# --- self-registration ---------------------------------------------------------------


def test_self_registration_as_ones_registry_person(w):
    TrainingClass.objects.filter(pk=w.training_class.pk).update(self_registration=True)
    w.training_class.refresh_from_db()
    person = _ward_staff(w, 1)[0]
    user = make_user()
    Person.objects.filter(pk=person.pk).update(user=user)
    row = services.self_register(training_class=w.training_class, user=user)
    assert row.person == person and row.self_registered and row.status == S.NOMINATED
    with pytest.raises(ValidationError):
        services.self_register(training_class=w.training_class, user=user)


def test_self_registration_refused_when_the_class_does_not_allow_it(w):
    with pytest.raises(ValidationError) as error:
        services.self_register(training_class=w.training_class, user=w.person_user_a)
    assert error.value.code == "no_self_registration"


def test_self_registration_without_a_registry_person(w):
    TrainingClass.objects.filter(pk=w.training_class.pk).update(self_registration=True)
    w.training_class.refresh_from_db()
    user = make_user()
    with pytest.raises(ValidationError) as error:
        services.self_register(training_class=w.training_class, user=user)
    assert {"full_name", "date_of_birth", "organization"} <= set(error.value.error_dict)
    row = services.self_register(
        training_class=w.training_class,
        user=user,
        full_name="Hồ Văn Khách",
        date_of_birth=dt.date(1985, 3, 2),
        organization=w.ward_office_a,
    )
    assert row.person is None and row.match_status == Enrollment.Match.UNMATCHED
    assert row.self_registered and row.organization == w.ward_office_a


# --- participants outside the registry -----------------------------------------------


def test_external_certain_by_cccd(w):
    row = services.add_external(
        training_class=w.training_class,
        full_name="Tran Van Bao",
        date_of_birth=dt.date(2000, 1, 1),
        cccd=w.person_b.cccd,
        organization=w.facility_b,
        by=w.trainer,
    )
    assert row.person == w.person_b and row.match_status == Enrollment.Match.REGISTRY
    event = AuditEvent.objects.get(action="enrollment.add_external")
    assert event.new_values["matched_by"] == "cccd"
    assert w.person_b.cccd not in str(event.new_values)  # the CCCD is masked


def test_external_certain_by_name_and_birth_accent_insensitive(w):
    row = services.add_external(
        training_class=w.training_class,
        full_name="tran van bao",
        date_of_birth=w.person_b.date_of_birth,
        organization=w.facility_b,
        by=w.trainer,
    )
    assert row.person == w.person_b


def test_external_uncertain_goes_to_review(w):
    twins = [
        PersonFactory(full_name="Phạm Minh Khoa", date_of_birth=dt.date(1991, 2, 3))
        for _ in range(2)
    ]
    row = services.add_external(
        training_class=w.training_class,
        full_name="Pham Minh Khoa",
        date_of_birth=dt.date(1991, 2, 3),
        organization=w.facility_b,
        by=w.trainer,
    )
    assert row.person is None and row.match_status == Enrollment.Match.REVIEW
    assert {p.pk for p in services.match_candidates(row)} == {p.pk for p in twins}
    assert row in services.manageable_enrollments(w.trainer)
    with pytest.raises(ValidationError):  # not a candidate
        services.match_link(enrollment=row, person=w.person_b, by=w.trainer)
    services.match_link(enrollment=row, person=twins[1], by=w.trainer)
    row.refresh_from_db()
    assert row.person == twins[1] and row.match_status == Enrollment.Match.REGISTRY
    assert AuditEvent.objects.filter(action="enrollment.link").exists()


def test_external_unmatched_is_offered_to_its_organisations_registry(w):
    row = services.add_external(
        training_class=w.training_class,
        full_name="Đoàn Thị Mới",
        date_of_birth=dt.date(1995, 6, 7),
        organization=w.facility_a,
        by=w.manager_a,
    )
    assert row.match_status == Enrollment.Match.UNMATCHED
    assert row in services.manageable_enrollments(w.manager_a)
    assert row not in services.manageable_enrollments(w.manager_b)
    with pytest.raises(PermissionDenied):  # a trainer does not keep facility A's registry
        services.match_create_person(enrollment=row, by=w.trainer, gender="female")
    services.match_create_person(enrollment=row, by=w.manager_a, gender="female")
    row.refresh_from_db()
    assert row.person.full_name == "Đoàn Thị Mới"
    assert row.person.current_organization == w.facility_a
    assert row.match_status == Enrollment.Match.REGISTRY


def test_external_refusals(w):
    with pytest.raises(PermissionDenied):  # facility B adding to facility A's name
        services.add_external(
            training_class=w.training_class,
            full_name="X",
            date_of_birth=dt.date(1990, 1, 1),
            organization=w.facility_a,
            by=w.manager_b,
        )
    with pytest.raises(ValidationError) as error:
        services.add_external(
            training_class=w.training_class,
            full_name="",
            date_of_birth=None,
            cccd="123",
            organization=w.facility_a,
            by=w.trainer,
        )
    assert {"full_name", "date_of_birth", "cccd"} <= set(error.value.error_dict)
    with pytest.raises(ValidationError):  # person A is in the class already
        services.add_external(
            training_class=w.training_class,
            full_name="Nguyễn Thị Ánh",
            date_of_birth=dt.date(1990, 1, 1),
            cccd=w.person_a.cccd,
            organization=w.facility_a,
            by=w.trainer,
        )
