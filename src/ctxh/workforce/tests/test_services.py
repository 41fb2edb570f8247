import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ctxh.core.models import AuditEvent
from ctxh.core.scoping import SYSTEM
from ctxh.testing import make_user
from ctxh.workforce import services
from ctxh.workforce.models import (
    Certificate,
    Employment,
    FieldInstructor,
    Person,
    PersonAccessLog,
)

pytestmark = pytest.mark.django_db

PERSON = {
    "full_name": "  Lê   Thị Hoa ",
    "gender": "female",
    "date_of_birth": dt.date(1995, 3, 2),
    "cccd": "079195000777",
    "staff_type": "staff",
    "education_level": "bachelor",
    "major": "social_work",
}


def test_create_with_employment_sets_current_organization_and_audits(manager_a, facility_a):
    person = services.person_create(
        by=manager_a,
        data=PERSON,
        employment={
            "organization": facility_a,
            "position": "CTXH",
            "start_date": dt.date(2024, 1, 1),
        },
    )
    person.refresh_from_db()
    assert person.full_name == "Lê Thị Hoa"
    assert person.current_organization == facility_a
    assert person.search_text == "le thi hoa"  # never the citizen ID (issue 8)
    assert person.employments.get().end_date is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"person.create", "employment.start"} <= actions


def test_manager_cannot_register_in_another_organisation(manager_a, facility_b):
    with pytest.raises(PermissionDenied):
        services.person_create(
            by=manager_a,
            data=PERSON,
            employment={"organization": facility_b, "start_date": dt.date(2024, 1, 1)},
        )
    with pytest.raises(PermissionDenied):
        services.person_create(by=manager_a, data=PERSON)
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "cccd, code",
    [("079095000777", "cccd_gender"), ("079196000777", "cccd_year"), ("0791", "cccd_format")],
)
def test_cccd_is_cross_checked(programme_user, cccd, code):
    with pytest.raises(ValidationError) as info:
        services.person_create(by=programme_user, data={**PERSON, "cccd": cccd})
    assert "cccd" in info.value.error_dict
    assert not Person.objects.exists()


def test_cccd_is_unique_and_optional(programme_user):
    services.person_create(by=programme_user, data=PERSON)
    with pytest.raises(ValidationError):
        services.person_create(by=programme_user, data=PERSON)
    a = services.person_create(by=programme_user, data={**PERSON, "cccd": ""})
    b = services.person_create(by=programme_user, data={**PERSON, "cccd": None})
    assert a.cccd is None and b.cccd is None


def test_moving_keeps_history_and_closes_the_previous_day_before(
    programme_user, person_a, facility_a, facility_b
):
    services.employment_start(
        by=programme_user,
        person=person_a,
        organization=facility_b,
        position="Trưởng phòng",
        start_date=dt.date(2025, 7, 1),
    )
    old, new = Employment.objects.filter(person=person_a).order_by("start_date")
    assert old.organization == facility_a and old.end_date == dt.date(2025, 6, 30)
    assert new.organization == facility_b and new.end_date is None
    person_a.refresh_from_db()
    assert person_a.current_organization == facility_b


def test_new_employment_must_start_after_the_current(programme_user, person_a, facility_b):
    with pytest.raises(ValidationError):
        services.employment_start(
            by=programme_user,
            person=person_a,
            organization=facility_b,
            start_date=dt.date(2019, 1, 1),
        )
    assert Employment.objects.filter(person=person_a).count() == 1


def test_manager_cannot_move_someone_elses_person(manager_a, person_b, facility_a):
    with pytest.raises(PermissionDenied):
        services.employment_start(
            by=manager_a, person=person_b, organization=facility_a, start_date=dt.date(2025, 1, 1)
        )


def test_employment_end_clears_current_organization(manager_a, person_a):
    employment = person_a.employments.get()
    with pytest.raises(ValidationError):
        services.employment_end(by=manager_a, employment=employment, end_date=dt.date(2010, 1, 1))
    services.employment_end(by=manager_a, employment=employment, end_date=dt.date(2025, 1, 1))
    person_a.refresh_from_db()
    assert person_a.current_organization is None
    assert AuditEvent.objects.filter(action="employment.end").count() == 1


def test_update_audits_only_changes_and_respects_scope(manager_a, manager_b, person_a):
    services.person_update(person=person_a, by=manager_a, data={"phone": "0909123456"})
    event = AuditEvent.objects.get(action="person.update")
    assert event.new_values == {"phone": "0909123456"}
    assert event.old_values == {"phone": ""}
    services.person_update(person=person_a, by=manager_a, data={"phone": "0909123456"})
    assert AuditEvent.objects.filter(action="person.update").count() == 1
    with pytest.raises(PermissionDenied):
        services.person_update(person=person_a, by=manager_b, data={"phone": "1"})


def test_certificate_and_field_instructor(manager_a, manager_b, person_a):
    services.certificate_add(
        by=manager_a,
        person=person_a,
        data={"kind": "supervision_training", "number": "KH-01", "issued_on": dt.date(2024, 5, 1)},
    )
    assert Certificate.objects.get().person == person_a
    status = services.field_instructor_set(
        by=manager_a, person=person_a, data={"trained_in_supervision": True, "max_students": 4}
    )
    assert status.max_students == 4 and status.active
    services.field_instructor_set(by=manager_a, person=person_a, data={"active": False})
    assert FieldInstructor.objects.get().active is False
    assert AuditEvent.objects.filter(action="field_instructor.set").count() == 2
    with pytest.raises(PermissionDenied):
        services.certificate_add(by=manager_b, person=person_a, data={"kind": "other"})
    with pytest.raises(PermissionDenied):
        services.field_instructor_set(by=manager_b, person=person_a, data={"active": True})


def test_view_logged_only_for_users_of_another_organisation(
    manager_a, programme_user, viewer, person_a
):
    assert services.record_person_view(person=person_a, user=manager_a) is None
    assert services.record_person_view(person=person_a, user=SYSTEM) is None
    log = services.record_person_view(person=person_a, user=programme_user)
    assert log.user_organization == programme_user.active_memberships[0].organization
    services.record_person_view(person=person_a, user=viewer)
    assert PersonAccessLog.objects.filter(person=person_a).count() == 2


def test_viewer_may_not_write(viewer, person_a):
    with pytest.raises(PermissionDenied):
        services.person_update(person=person_a, by=viewer, data={"phone": "1"})
    with pytest.raises(PermissionDenied):
        services.person_create(by=make_user("student", person_a.current_organization), data=PERSON)
