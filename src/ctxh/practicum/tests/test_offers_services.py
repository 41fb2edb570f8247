"""The offers and preferences services: each rule of steps 3 and 4, and nothing written on
a refusal (the issue's "Bad input")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override

from ctxh.core.models import AuditEvent
from ctxh.practicum.models import (
    Offer,
    PeriodInstructor,
    Placement,
    PlacementPeriod,
    PracticeSite,
    Preference,
)
from ctxh.practicum.services.offers import (
    offer_publish,
    offer_save,
    offer_warnings,
    offer_withdraw,
    period_instructor_remove,
    period_instructor_set,
)
from ctxh.practicum.services.preferences import preferences_set
from ctxh.workforce.models import FieldInstructor
from ctxh.workforce.tests.factories import PersonFactory, employ

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(permission_world):
    return permission_world


@pytest.fixture(autouse=True)
def english():
    """The messages are matched in English (one test checks the Vietnamese ones)."""
    with override("en"):
        yield


def _ranking(student) -> list[int]:
    return list(
        Preference.objects.filter(student=student).order_by("rank").values_list("offer", flat=True)
    )


def _offer(w, **kw) -> Offer:
    values = {
        "period": w.period,
        "facility": w.facility_a,
        "practice_type": "casework",
        "level": "university_3",
        "seats": 2,
        "status": Offer.Status.PUBLISHED,
        **kw,
    }
    return Offer.objects.create(**values)


def _site_b(w):
    return PracticeSite.objects.create(
        facility=w.facility_b, practice_types=["casework"], levels=["university_3"]
    )


# --- period instructors -----------------------------------------------------------------


def test_period_instructor_set_adds_and_changes_capacity(w):
    fi = FieldInstructor.objects.create(person=PersonFactory(), max_students=4)
    employ(fi.person, w.facility_a)
    row = period_instructor_set(
        period=w.period, facility=w.facility_a, instructor=fi, capacity=2, by=w.manager_a
    )
    assert (row.facility, row.capacity) == (w.facility_a, 2)
    row = period_instructor_set(
        period=w.period, facility=w.facility_a, instructor=fi, capacity=4, by=w.manager_a
    )
    assert PeriodInstructor.objects.get(pk=row.pk).capacity == 4
    events = AuditEvent.objects.filter(action="periodinstructor.set", object_id=str(row.pk))
    assert events.count() == 2
    assert events.order_by("pk").last().new_values == {"capacity": 4}


def test_period_instructor_over_capacity_is_refused(w):
    with pytest.raises(ValidationError) as info, override("vi"):
        period_instructor_set(
            period=w.period,
            facility=w.facility_a,
            instructor=w.field_instructor_a,
            capacity=6,  # the registry says at most 5
            by=w.manager_a,
        )
    assert "capacity" in info.value.message_dict
    assert "tối đa 5" in info.value.message_dict["capacity"][0]
    assert PeriodInstructor.objects.get(pk=w.period_instructor_a.pk).capacity == 3


def test_period_instructor_of_another_facility_or_inactive_is_refused(w):
    elsewhere = FieldInstructor.objects.create(person=PersonFactory(), max_students=3)
    employ(elsewhere.person, w.facility_b)
    with pytest.raises(ValidationError, match="does not work at"):
        period_instructor_set(
            period=w.period, facility=w.facility_a, instructor=elsewhere, capacity=1, by=w.programme
        )
    inactive = FieldInstructor.objects.create(person=PersonFactory(), active=False)
    employ(inactive.person, w.facility_a)
    with pytest.raises(ValidationError, match="not an active"):
        period_instructor_set(
            period=w.period, facility=w.facility_a, instructor=inactive, capacity=1, by=w.programme
        )
    with pytest.raises(PermissionDenied):
        period_instructor_set(
            period=w.period,
            facility=w.facility_a,
            instructor=w.field_instructor_a,
            capacity=1,
            by=w.manager_b,
        )
    assert PeriodInstructor.objects.filter(period=w.period).count() == 1


def test_period_instructor_remove_refused_once_placed(w):
    with pytest.raises(ValidationError, match="already has students placed"):
        Placement.objects.filter(pk=w.placement_a.pk).update(instructor=w.past_instructor_a)
        period_instructor_remove(period_instructor=w.past_instructor_a, by=w.manager_a)
    assert PeriodInstructor.objects.filter(pk=w.past_instructor_a.pk).exists()
    period_instructor_remove(period_instructor=w.period_instructor_a, by=w.manager_a)
    assert not PeriodInstructor.objects.filter(pk=w.period_instructor_a.pk).exists()
    assert not w.offer_a.instructors.exists()
    event = AuditEvent.objects.get(action="periodinstructor.remove")
    assert event.old_values["offers"] == [w.offer_a.pk]


# --- offers ------------------------------------------------------------------------------


def test_offer_save_creates_a_draft_with_quotas_and_warns_on_few_places(w):
    offer = offer_save(
        period=w.period,
        facility=w.facility_a,
        practice_type="casework",
        level="university_4",
        seats=5,
        instructors=[w.period_instructor_a],
        quotas={w.school: 2},
        notes="  Mặc đồng phục.  ",
        by=w.manager_a,
    )
    assert offer.status == Offer.Status.DRAFT
    assert offer.notes == "Mặc đồng phục."
    assert dict(offer.quotas.values_list("school", "seats")) == {w.school.pk: 2}
    event = AuditEvent.objects.get(action="offer.create", object_id=str(offer.pk))
    assert event.new_values["instructors"] == [w.period_instructor_a.pk]
    assert event.new_values["quotas"] == {str(w.school.pk): 2}
    with override("en"):
        assert "take 3 students in all" in offer_warnings(offer)[0]
    offer = offer_save(
        period=w.period,
        facility=w.facility_a,
        practice_type="casework",
        level="university_4",
        seats=3,
        instructors=[w.period_instructor_a],
        by=w.programme,
        offer=offer,
    )
    assert offer_warnings(offer) == []
    assert not offer.quotas.exists()
    update = AuditEvent.objects.get(action="offer.update", object_id=str(offer.pk))
    assert update.old_values == {
        "seats": 5,
        "notes": "Mặc đồng phục.",
        "quotas": {str(w.school.pk): 2},
    }
    assert update.new_values == {"seats": 3, "notes": "", "quotas": {}}
    assert update.actor == w.programme


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"practice_type": "community"}, "practice_type"),  # the site does not accept it
        ({"level": "college"}, "level"),
        ({"level": "university_3"}, "__all__"),  # offer A already exists
        ({"quotas": "over"}, "quotas"),
        ({"instructors": "other period"}, "instructors"),
    ],
)
def test_offer_save_refusals_write_nothing(w, change, field):
    kwargs = {
        "period": w.period,
        "facility": w.facility_a,
        "practice_type": "casework",
        "level": "university_4",
        "seats": 2,
        "by": w.manager_a,
    }
    kwargs.update(change)
    if change.get("quotas") == "over":
        kwargs["quotas"] = {w.school: 3}
    if change.get("instructors") == "other period":
        kwargs["instructors"] = [w.past_instructor_a]
    offers, events = Offer.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as info:
        offer_save(**kwargs)
    assert field in info.value.message_dict
    assert (Offer.objects.count(), AuditEvent.objects.count()) == (offers, events)


def test_offer_save_outside_the_network_or_after_the_deadline(w):
    with pytest.raises(ValidationError, match="not in the practice network"):
        offer_save(
            period=w.period,
            facility=w.facility_b,
            practice_type="casework",
            level="university_3",
            seats=1,
            by=w.manager_b,
        )
    PlacementPeriod.objects.filter(pk=w.period.pk).update(
        preference_deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    w.period.refresh_from_db()
    with pytest.raises(ValidationError, match="deadline"):
        offer_save(
            period=w.period,
            facility=w.facility_a,
            practice_type="casework",
            level="university_4",
            seats=1,
            by=w.manager_a,
        )
    with pytest.raises(ValidationError, match="deadline"):
        offer_publish(offer=w.offer_draft_a, by=w.manager_a)
    with pytest.raises(PermissionDenied):
        offer_save(
            period=w.period,
            facility=w.facility_a,
            practice_type="casework",
            level="university_4",
            seats=1,
            by=w.manager_b,
        )


def test_offer_save_keeps_type_and_level_once_ranked(w):
    with pytest.raises(ValidationError, match="already ranked"):
        offer_save(
            period=w.period,
            facility=w.facility_a,
            practice_type="group_work",
            level="university_3",
            seats=4,
            by=w.manager_a,
            offer=w.offer_a,
        )


def test_publish_then_withdraw_removes_preferences_and_closes_gaps(w):
    offer = offer_publish(offer=w.offer_draft_a, by=w.programme)
    assert offer.status == Offer.Status.PUBLISHED
    assert offer.published_by == w.programme and offer.published_at is not None
    assert AuditEvent.objects.filter(action="offer.publish", actor=w.programme).exists()
    _site_b(w)
    second = w.offer_b
    preferences_set(student=w.pstudent_a, offers=[w.offer_a, second], by=w.student)
    with pytest.raises(ValidationError):
        offer_withdraw(offer=w.offer_a, by=w.manager_a, reason="  ")
    offer_withdraw(offer=w.offer_a, by=w.manager_a, reason="Sửa chữa")
    assert Offer.objects.get(pk=w.offer_a.pk).status == Offer.Status.WITHDRAWN
    assert _ranking(w.pstudent_a) == [second.pk]
    assert Preference.objects.get(student=w.pstudent_a).rank == 1
    removed = AuditEvent.objects.get(action="offer.preferences_removed")
    assert removed.old_values == {"preferences": [{"student": w.pstudent_a.pk, "rank": 1}]}
    withdraw = AuditEvent.objects.get(action="offer.withdraw")
    assert withdraw.new_values["reason"] == "Sửa chữa"
    # Edited again, a withdrawn offer becomes a draft.
    offer_save(
        period=w.period,
        facility=w.facility_a,
        practice_type="casework",
        level="university_3",
        seats=4,
        by=w.manager_a,
        offer=w.offer_a,
    )
    assert Offer.objects.get(pk=w.offer_a.pk).status == Offer.Status.DRAFT


def test_publish_refused_for_another_facility(w):
    with pytest.raises(PermissionDenied):
        offer_publish(offer=w.offer_draft_a, by=w.manager_b)
    with pytest.raises(PermissionDenied):
        offer_withdraw(offer=w.offer_a, by=w.coordinator, reason="x")
    assert Offer.objects.get(pk=w.offer_draft_a.pk).status == Offer.Status.DRAFT


# --- preferences -------------------------------------------------------------------------


def test_preferences_set_replaces_the_ranking_and_audits_ids_only(w):
    _site_b(w)
    second = w.offer_b
    created = preferences_set(student=w.pstudent_a, offers=[second, w.offer_a], by=w.student)
    assert [(p.offer_id, p.rank) for p in created] == [(second.pk, 1), (w.offer_a.pk, 2)]
    assert _ranking(w.pstudent_a) == [second.pk, w.offer_a.pk]
    event = AuditEvent.objects.get(action="preference.set")
    assert event.old_values == {"offers": [w.offer_a.pk]}
    assert event.new_values == {"offers": [second.pk, w.offer_a.pk]}
    assert w.pstudent_a.full_name not in event.object_repr
    # The same ranking again writes nothing.
    preferences_set(student=w.pstudent_a, offers=[second, w.offer_a], by=w.coordinator)
    assert AuditEvent.objects.filter(action="preference.set").count() == 1
    # The coordinator of the school enters it for the student.
    preferences_set(student=w.pstudent_a, offers=[w.offer_a], by=w.coordinator)
    assert Preference.objects.get(student=w.pstudent_a).entered_by == w.coordinator


def _refused(w, offers, by=None, match=""):
    before = (_ranking(w.pstudent_a), AuditEvent.objects.count())
    with pytest.raises(ValidationError, match=match):
        preferences_set(student=w.pstudent_a, offers=offers, by=by or w.student)
    assert (_ranking(w.pstudent_a), AuditEvent.objects.count()) == before


def test_preferences_after_the_deadline_are_frozen_except_for_the_programme_office(w):
    PlacementPeriod.objects.filter(pk=w.period.pk).update(
        preference_deadline=timezone.now() - dt.timedelta(seconds=1)
    )
    w.pstudent_a.period.refresh_from_db()
    _refused(w, [], match="deadline")
    _refused(w, [], by=w.coordinator, match="deadline")
    preferences_set(student=w.pstudent_a, offers=[], by=w.programme)
    assert _ranking(w.pstudent_a) == []
    assert AuditEvent.objects.get(action="preference.set").new_values["after_deadline"] is True


def test_preferences_refused_when_the_period_is_not_open(w):
    PlacementPeriod.objects.filter(pk=w.period.pk).update(status=PlacementPeriod.Status.ALLOCATION)
    _refused(w, [], by=w.programme, match="not open")


def test_preferences_ineligible_offer_shows_the_reason(w):
    with override("en"):
        _refused(w, [w.offer_b], match="Choice 1 .*does not receive students")
    community = _offer(w, practice_type="community")
    with override("vi"):
        before = _ranking(w.pstudent_a)
        with pytest.raises(ValidationError) as info:
            preferences_set(student=w.pstudent_a, offers=[w.offer_a, community], by=w.student)
        assert "Nguyện vọng 2" in info.value.messages[0]
        assert _ranking(w.pstudent_a) == before


def test_preferences_duplicate_and_too_many(w):
    _refused(w, [w.offer_a, w.offer_a], match="only once")
    offers = [_offer(w, level=lvl) for lvl in ("university_2", "university_4", "college")]
    _refused(w, [w.offer_a, *offers], match="At most 3")


def test_preferences_draft_or_withdrawn_offer_is_refused(w):
    draft = _offer(w, practice_type="casework", level="master", status=Offer.Status.DRAFT)
    _refused(w, [draft], match="not published")
    Offer.objects.filter(pk=draft.pk).update(status=Offer.Status.WITHDRAWN)
    _refused(w, [draft], match="not published")
    _refused(w, [w.offer_draft_a], match="not published")


def test_preferences_only_for_oneself_or_ones_school(w):
    for other in (w.student_b, w.coordinator_b, w.manager_a, w.viewer):
        with pytest.raises(PermissionDenied):
            preferences_set(student=w.pstudent_a, offers=[], by=other)
    assert _ranking(w.pstudent_a) == [w.offer_a.pk]
