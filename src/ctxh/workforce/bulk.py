"""The one bulk path for people and employment: the Excel import and the demo loader.

A caller plans the rows (``PersonChange``, ``EmploymentChange``); these functions check the
permission of every row against the one scope (``add`` for a new record, ``change`` for an
update), validate every row like a single write (``full_clean`` of each person, employment,
certificate and field-instructor status, CCCDs unique within the batch and against the
registry) and only then write, with ``bulk_create`` / ``bulk_update`` in batches, keeping
``current_organization`` equal to the open employment (as ``services`` does). Nothing is
written when any row is refused: each function runs in one transaction.

The audit policy, in proportion: a *created* record has no event of its own — the load is
summarised by ONE event (the import engine's, naming the file and the counts, or this
module's when called with ``label=``, as the demo loader does); every *change* to a
registered person or employment gets its own event with the old and new values, because the
load overwrote something. Events are bulk-inserted through ``audit.record_many``; personal
data is masked there like everywhere in the trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Organization

from .models import Certificate, Employment, FieldInstructor, Person

BATCH = 1000
_PARAMETERS = 500  # ids per IN (...) query: under every backend's limit


@dataclass
class PersonChange:
    """A person to create (``person.pk`` is None) or to update (``changed`` fields)."""

    person: Person
    organization: Organization | None = None
    changed: list[str] = field(default_factory=list)
    old: dict[str, Any] = field(default_factory=dict)
    #: Open an employment at ``organization`` (a new person, or one without a current one).
    employ: bool = False
    position: str = ""
    start_date: dt.date | None = None
    #: Certificates to add (unsaved; their ``person`` is set here).
    certificates: list[Certificate] = field(default_factory=list)
    #: A field-instructor status to record for a person who has none yet (unsaved).
    instructor: FieldInstructor | None = None


def _check_people_permissions(by, changes: list[PersonChange]) -> None:
    add_people = scope_for(by, Person, "add")
    change_people = scope_for(by, Person, "change")
    add_employment = scope_for(by, Employment, "add")
    add_certificates = scope_for(by, Certificate, "add")
    set_instructors = scope_for(by, FieldInstructor, "change")
    for change in changes:
        person = change.person
        if person.pk is None:
            allowed = add_people.covers(change.organization)
        else:
            allowed = change_people.covers_object(person)
        if change.employ:
            allowed = allowed and add_employment.covers(change.organization)
        # What a person holds belongs to the organisation they will be at.
        holder = change.organization if change.employ else person.current_organization
        if change.certificates:
            allowed = allowed and add_certificates.covers(holder)
        if change.instructor is not None:
            allowed = allowed and set_instructors.covers(holder)
        if not allowed:
            raise PermissionDenied


def _validate_people(changes: list[PersonChange]) -> None:
    """Every row like a single registration; CCCDs unique in the batch and the registry."""
    seen: dict[str, Person] = {}
    for change in changes:
        person = change.person
        person.full_clean(exclude=["current_organization", "search_text"], validate_unique=False)
        if person.cccd:
            if person.cccd in seen:
                raise ValidationError({"cccd": _("This citizen ID appears twice.")})
            seen[person.cccd] = person
        for certificate in change.certificates:
            certificate.full_clean(exclude=["person"])
        if change.instructor is not None:
            change.instructor.full_clean(exclude=["person"], validate_unique=False)
        if change.employ:
            Employment(
                organization=change.organization,
                position=change.position,
                start_date=change.start_date or timezone.localdate(),
            ).full_clean(exclude=["person"], validate_unique=False, validate_constraints=False)
    ids = sorted(seen)
    for start in range(0, len(ids), _PARAMETERS):
        for cccd, pk in Person.objects.filter(
            cccd__in=ids[start : start + _PARAMETERS]
        ).values_list("cccd", "pk"):
            if seen[cccd].pk != pk:
                raise ValidationError(
                    {"cccd": _("Citizen ID %(cccd)s is already registered.") % {"cccd": cccd}}
                )
    holders = [c.person.pk for c in changes if c.instructor is not None and c.person.pk]
    if holders and FieldInstructor.objects.filter(person_id__in=holders).exists():
        raise ValidationError(
            _("A field-instructor status is already recorded for one of these people.")
        )


@transaction.atomic
def people_import(*, by, changes: list[PersonChange], label: str | None = None) -> dict[str, int]:
    """Create and update people, their first employment, certificates and field-instructor
    status in bulk. With ``label`` the load writes its own summary event (the demo loader);
    the import engine writes its own summary instead."""
    _check_people_permissions(by, changes)
    _validate_people(changes)
    now = timezone.now()
    new = [c for c in changes if c.person.pk is None]
    updated = [c for c in changes if c.person.pk is not None and c.changed]
    for change in new:
        change.person.current_organization = change.organization if change.employ else None
        change.person.refresh_search_text()
        change.person.created_at = change.person.updated_at = now
    Person.objects.bulk_create([c.person for c in new], batch_size=BATCH)
    fields: set[str] = set()
    for change in updated:
        change.person.refresh_search_text()
        change.person.updated_at = now
        fields.update(change.changed)
    if updated:
        Person.objects.bulk_update(
            [c.person for c in updated],
            sorted(fields | {"search_text", "sort_key", "updated_at"}),
            batch_size=BATCH,
        )
    employing = [c for c in changes if c.employ]
    employments = [
        Employment(
            person=c.person,
            organization=c.organization,
            position=c.position,
            start_date=c.start_date or timezone.localdate(),
        )
        for c in employing
    ]
    Employment.objects.bulk_create(employments, batch_size=BATCH)
    new_ids = {id(c) for c in new}
    for change in employing:
        change.person.current_organization = change.organization
    moved = [c.person for c in employing if id(c) not in new_ids]
    if moved:
        Person.objects.bulk_update(moved, ["current_organization"], batch_size=BATCH)
    certificates = []
    instructors = []
    for change in changes:
        for certificate in change.certificates:
            certificate.person = change.person
            certificates.append((change, certificate))
        if change.instructor is not None:
            change.instructor.person = change.person
            instructors.append((change, change.instructor))
    Certificate.objects.bulk_create([c for _, c in certificates], batch_size=BATCH)
    FieldInstructor.objects.bulk_create([i for _, i in instructors], batch_size=BATCH)

    events = [
        {
            "action": "person.import_update",
            "obj": c.person,
            "organization": c.person.current_organization,
            "old": {k: c.old.get(k) for k in c.changed},
            "new": {k: getattr(c.person, k) for k in c.changed},
        }
        for c in updated
    ]
    events += [
        {
            "action": "employment.start",
            "obj": e,
            "organization": e.organization,
            "new": audit.snapshot(e),
        }
        for e, c in zip(employments, employing)
        if id(c) not in new_ids
    ]
    events += [
        {
            "action": action,
            "obj": obj,
            "organization": c.person.current_organization,
            "new": audit.snapshot(obj),
        }
        for action, pairs in (
            ("certificate.add", certificates),
            ("field_instructor.set", instructors),
        )
        for c, obj in pairs
        if id(c) not in new_ids
    ]
    audit.record_many(actor=by, events=events)
    counts = {
        "people_created": len(new),
        "people_updated": len(updated),
        "employments": len(employments),
        "certificates": len(certificates),
        "field_instructors": len(instructors),
    }
    if label is not None and changes:
        audit.record(
            actor=by,
            action="person.bulk_load",
            object_type=Person._meta.label_lower,
            object_repr=label,
            new=counts,
        )
    return counts


@dataclass
class EmploymentChange:
    """An employment to create (``employment.pk`` None) or whose position/end changes."""

    employment: Employment
    changed: list[str] = field(default_factory=list)
    old: dict[str, Any] = field(default_factory=dict)
    #: The open employment that ends the day before this one starts (a move).
    closes: Employment | None = None


def _check_employment_permissions(by, changes: list[EmploymentChange]) -> None:
    add = scope_for(by, Employment, "add")
    change_scope = scope_for(by, Employment, "change")
    for change in changes:
        employment = change.employment
        if employment.pk is None:
            allowed = add.covers(employment.organization)
        else:
            allowed = change_scope.covers(employment.organization)
        # Ending someone's current employment elsewhere is a change there (a move).
        if change.closes is not None:
            allowed = allowed and change_scope.covers_object(change.closes)
        if not allowed:
            raise PermissionDenied


@transaction.atomic
def employment_import(*, by, changes: list[EmploymentChange]) -> dict[str, int]:
    """Record employment history and moves from an import; the person's current
    organisation follows their open employment."""
    _check_employment_permissions(by, changes)
    for change in changes:
        change.employment.full_clean(
            exclude=["person"], validate_unique=False, validate_constraints=False
        )
    events: list[dict[str, Any]] = []
    touched: set[int] = set()
    for change in changes:
        closing = change.closes
        if closing is not None:
            closing.end_date = change.employment.start_date - dt.timedelta(days=1)
            closing.save(update_fields=["end_date"])
            events.append(
                {
                    "action": "employment.end",
                    "obj": closing,
                    "organization": closing.organization,
                    "old": {"end_date": None},
                    "new": {"end_date": closing.end_date},
                }
            )
        employment = change.employment
        if employment.pk is None:
            employment.save()
            events.append(
                {
                    "action": "employment.import_create",
                    "obj": employment,
                    "organization": employment.organization,
                    "new": audit.snapshot(employment),
                }
            )
        else:
            employment.save(update_fields=change.changed)
            events.append(
                {
                    "action": "employment.import_update",
                    "obj": employment,
                    "organization": employment.organization,
                    "old": {k: change.old.get(k) for k in change.changed},
                    "new": {k: getattr(employment, k) for k in change.changed},
                }
            )
        touched.add(employment.person_id)
    for person_id in touched:
        current = (
            Employment.objects.filter(person_id=person_id, end_date__isnull=True)
            .values_list("organization_id", flat=True)
            .first()
        )
        Person.objects.filter(pk=person_id).update(current_organization_id=current)
    audit.record_many(actor=by, events=events)
    return {"employments": len(changes)}
