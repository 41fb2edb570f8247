"""The one bulk path (``bulk.people_import`` / ``employment_import``): the Excel import's
and the demo loader's. Validated like single writes, permission-checked per row (add for
new, change for updates), all or nothing."""

import copy
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ctxh.core.models import AuditEvent
from ctxh.core.scoping import SYSTEM
from ctxh.workforce import bulk
from ctxh.workforce.cccd import compose_cccd
from ctxh.workforce.models import Certificate, Employment, FieldInstructor, Person
from ctxh.workforce.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _tables() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Employment.objects.count(),
        Certificate.objects.count(),
        FieldInstructor.objects.count(),
        AuditEvent.objects.count(),
    )


def _new(i: int, organization, **extra) -> bulk.PersonChange:
    return bulk.PersonChange(
        person=Person(
            full_name=f"Người {i}",
            gender="male",
            date_of_birth=dt.date(1990, 1, 1),
            cccd=compose_cccd(province=79, gender="male", birth_year=1990, serial=500 + i),
        ),
        organization=organization,
        employ=True,
        start_date=dt.date(2020, 1, 1),
        **extra,
    )


def test_a_load_with_certificates_and_instructors_writes_one_event(facility_a, manager_a):
    changes = [
        _new(
            i,
            facility_a,
            certificates=[Certificate(kind="other", number=f"C-{i}")],
            instructor=FieldInstructor(max_students=4) if i == 0 else None,
        )
        for i in range(5)
    ]
    counts = bulk.people_import(by=SYSTEM, changes=changes, label="Demo")
    assert counts == {
        "people_created": 5,
        "people_updated": 0,
        "employments": 5,
        "certificates": 5,
        "field_instructors": 1,
    }
    assert Person.objects.filter(current_organization=facility_a).count() == 5
    assert Person.objects.filter(search_text__startswith="nguoi 3").exists()
    event = AuditEvent.objects.exclude(action="geo.load_units").get()
    assert (event.action, event.object_repr, event.new_values["people_created"]) == (
        "person.bulk_load",
        "Demo",
        5,
    )


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"certificates": [Certificate(kind="not-a-kind")]}, "kind"),
        ({"instructor": FieldInstructor(max_students=999)}, "max_students"),
    ],
)
def test_invalid_certificates_and_instructors_are_refused(facility_a, extra, field):
    before = _tables()
    with pytest.raises(ValidationError) as info:
        bulk.people_import(by=SYSTEM, changes=[_new(0, facility_a), _new(1, facility_a, **extra)])
    assert field in info.value.error_dict
    assert _tables() == before


def test_invalid_person_and_known_or_repeated_ids_are_refused(facility_a):
    PersonFactory(cccd=compose_cccd(province=79, gender="male", birth_year=1990, serial=500))
    before = _tables()
    for changes in (
        [_new(0, facility_a)],  # already registered
        [_new(1, facility_a), _new(1, facility_a)],  # twice in the batch
    ):
        with pytest.raises(ValidationError):
            bulk.people_import(by=SYSTEM, changes=changes)
    wrong_gender = _new(2, facility_a)
    wrong_gender.person.gender = "female"
    with pytest.raises(ValidationError):
        bulk.people_import(by=SYSTEM, changes=[wrong_gender])
    assert _tables() == before


def test_updates_are_checked_against_change(manager_a, manager_b, person_a, facility_a):
    candidate = copy.copy(Person.objects.select_related("current_organization").get(pk=person_a.pk))
    candidate.phone = "0909000111"
    change = bulk.PersonChange(
        person=candidate,
        organization=facility_a,
        changed=["phone"],
        old={"phone": person_a.phone},
    )
    before = _tables()
    with pytest.raises(PermissionDenied):  # manager B may add people, but not change A's
        bulk.people_import(by=manager_b, changes=[change])
    assert _tables() == before
    assert Person.objects.get(pk=person_a.pk).phone == person_a.phone
    bulk.people_import(by=manager_a, changes=[change])
    assert Person.objects.get(pk=person_a.pk).phone == "0909000111"
    event = AuditEvent.objects.get(action="person.import_update")
    assert event.new_values == {"phone": "0909000111"}


def test_manager_may_not_load_into_another_organisation(manager_a, facility_b):
    before = _tables()
    with pytest.raises(PermissionDenied):
        bulk.people_import(by=manager_a, changes=[_new(0, facility_b)])
    with pytest.raises(PermissionDenied):
        bulk.people_import(by=manager_a, changes=[_new(0, None)])
    assert _tables() == before


def test_employment_import_checks_add_change_and_the_move(manager_a, person_b, facility_a):
    open_b = person_b.employments.get()
    move = bulk.EmploymentChange(
        employment=Employment(
            person=person_b, organization=facility_a, start_date=dt.date(2025, 1, 1)
        ),
        closes=open_b,
    )
    before = _tables()
    with pytest.raises(PermissionDenied):  # ending B's employment is not manager A's to do
        bulk.employment_import(by=manager_a, changes=[move])
    assert _tables() == before
    bad = bulk.EmploymentChange(
        employment=Employment(
            person=person_b,
            organization=facility_a,
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2024, 1, 1),
            position="x" * 200,
        )
    )
    with pytest.raises(ValidationError):
        bulk.employment_import(by=SYSTEM, changes=[bad])
    assert _tables() == before
    bulk.employment_import(by=SYSTEM, changes=[move])
    person_b.refresh_from_db()
    assert person_b.current_organization == facility_a
