"""Writing an Excel import of people or of employment in bulk (see ``importing.py``).

The rows arrive validated by the import (each person through ``full_clean`` and the CCCD
checks, like a single registration); these functions check the permission again for
every organisation involved, write with ``bulk_create`` / ``bulk_update`` in batches, and
keep ``current_organization`` equal to the open employment (as ``services`` does).

Audit, in proportion: the import writes ONE summary event (who, which file, counts).
Creating 50,000 people from a file adds nothing per person that the file and the summary
do not hold, so a created person has no event of its own; every *change* to a registered
person or employment gets its own event with the old and new values (bulk-inserted),
because the import overwrote something. Callers run these inside one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ctxh.core import audit
from ctxh.core.importing import audit_events
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Organization

from .models import Employment, Person

BATCH = 1000


def may_add(by, model, organization: Organization | None) -> bool:
    """Whether ``by`` may add ``model`` rows for ``organization`` (the services' rule)."""
    scope = scope_for(by, model, "add")
    if scope.everything:
        return True
    if organization is None:
        return False
    return organization.pk in scope.organization_ids or (
        organization.ward_id is not None and organization.ward_id in scope.ward_ids
    )


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


def people_import(*, by, changes: list[PersonChange]) -> dict[str, int]:
    """Create and update people (and their first employment) from an import."""
    for change in changes:
        if change.organization is not None and not may_add(by, Person, change.organization):
            raise PermissionDenied
        if change.organization is None and not scope_for(by, Person, "add").everything:
            raise PermissionDenied
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
    # Created people are recorded by the import's summary event (file, user, counts): the
    # file is their source. A changed person gets its own event with the old values,
    # because the import overwrote them; so does an employment opened for someone
    # already registered (their current organisation changed).
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
    audit_events(actor=by, events=events)
    return {
        "people_created": len(new),
        "people_updated": len(updated),
        "employments": len(employments),
    }


@dataclass
class EmploymentChange:
    """An employment to create (``employment.pk`` None) or whose position/end changes."""

    employment: Employment
    changed: list[str] = field(default_factory=list)
    old: dict[str, Any] = field(default_factory=dict)
    #: The open employment that ends the day before this one starts (a move).
    closes: Employment | None = None


def employment_import(*, by, changes: list[EmploymentChange]) -> dict[str, int]:
    """Record employment history and moves from an import; the person's current
    organisation follows their open employment."""
    for change in changes:
        if not may_add(by, Employment, change.employment.organization):
            raise PermissionDenied
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
        employment.full_clean(validate_unique=False, validate_constraints=False)
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
    audit_events(actor=by, events=events)
    return {"employments": len(changes)}
