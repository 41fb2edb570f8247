"""Every write to the workforce registry. Keyword-only, permission-checked, atomic, audited.

Ward officers and facility managers keep the people of their own organisation; the
programme office keeps everyone. ``current_organization`` on a person is maintained here
and only here, from the person's open employment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import SYSTEM, scope_for
from ctxh.organizations.models import Organization

from .models import Certificate, Employment, FieldInstructor, Person, PersonAccessLog

#: What a person's record says about them (the page's form and the Excel import set these).
PERSON_DATA_FIELDS = (
    "full_name",
    "gender",
    "date_of_birth",
    "cccd",
    "phone",
    "email",
    "education_level",
    "major",
    "major_detail",
    "professional_title",
    "staff_type",
)
#: Everything a service may write, including when consent was recorded.
PERSON_FIELDS = (*PERSON_DATA_FIELDS, "consent_at")
CERTIFICATE_FIELDS = ("kind", "number", "issuer", "issued_on")
FIELD_INSTRUCTOR_FIELDS = ("trained_in_supervision", "since", "max_students", "active")
_NOT_AUDITED = {"updated_at", "created_at"}


def _may(by, model: type[models.Model], action: str, organization: Organization | None) -> bool:
    """Whether ``by`` may ``action`` ``model`` rows belonging to ``organization``."""
    scope = scope_for(by, model, action)
    if scope.everything:
        return True
    if organization is None:
        return False
    return organization.pk in scope.organization_ids or (
        organization.ward_id is not None and organization.ward_id in scope.ward_ids
    )


def _locked_person(by, person: Person, action: str = "change") -> Person:
    locked = (
        Person.objects.visible_to(by, action)
        .select_for_update(of=("self",))
        .filter(pk=person.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied
    return locked


def _save_person(person: Person) -> None:
    person.full_clean()
    person.save()


@transaction.atomic
def person_create(*, by, data: dict[str, Any], employment: dict[str, Any] | None = None) -> Person:
    """Register a person; with ``employment`` ({organization, position, start_date}) they
    start working there at once. Outside the programme office a person must be registered
    with an employment in the user's own organisation."""
    organization = (employment or {}).get("organization")
    if not _may(by, Person, "add", organization):
        raise PermissionDenied
    person = Person(**{k: v for k, v in data.items() if k in PERSON_FIELDS})
    _save_person(person)
    audit.record(
        actor=by,
        action="person.create",
        obj=person,
        organization=organization,
        new=audit.snapshot(person),
    )
    if employment:
        _open_employment(
            by=by,
            person=person,
            organization=organization,
            position=employment.get("position", ""),
            start_date=employment.get("start_date") or dt.date.today(),
        )
    return person


@transaction.atomic
def person_update(*, person: Person, by, data: dict[str, Any]) -> Person:
    """Change a person's particulars (not their employer: see :func:`employment_start`)."""
    locked = _locked_person(by, person)
    old = audit.snapshot(locked)
    for name, value in data.items():
        if name not in PERSON_FIELDS:
            raise ValueError(f"Unknown person field: {name}")
        setattr(locked, name, value)
    _save_person(locked)
    old_changed, new_changed = audit.diff(old, audit.snapshot(locked))
    for name in _NOT_AUDITED:
        old_changed.pop(name, None)
        new_changed.pop(name, None)
    if new_changed:
        audit.record(
            actor=by,
            action="person.update",
            obj=locked,
            organization=locked.current_organization,
            old=old_changed,
            new=new_changed,
        )
    return locked


def _open_employment(
    *, by, person: Person, organization: Organization, position: str, start_date: dt.date
) -> Employment:
    previous = (
        Employment.objects.select_for_update(of=("self",))
        .filter(person=person, end_date__isnull=True)
        .select_related("organization")
        .first()
    )
    if previous is not None:
        if start_date <= previous.start_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "The new employment must start after the current one "
                        "(which started on %(date)s)."
                    )
                    % {"date": previous.start_date.strftime("%d/%m/%Y")}
                }
            )
        previous.end_date = start_date - dt.timedelta(days=1)
        previous.save(update_fields=["end_date"])
        audit.record(
            actor=by,
            action="employment.end",
            obj=previous,
            organization=previous.organization,
            old={"end_date": None},
            new={"end_date": previous.end_date},
        )
    employment = Employment(
        person=person, organization=organization, position=position, start_date=start_date
    )
    employment.full_clean()
    employment.save()
    Person.objects.filter(pk=person.pk).update(current_organization=organization)
    person.current_organization = organization
    audit.record(
        actor=by,
        action="employment.start",
        obj=employment,
        organization=organization,
        new=audit.snapshot(employment),
    )
    return employment


@transaction.atomic
def employment_start(
    *,
    by,
    person: Person,
    organization: Organization,
    position: str = "",
    start_date: dt.date,
) -> Employment:
    """The person starts working for ``organization``: the previous open employment ends
    the day before, the history is kept, and the person's current organisation follows."""
    locked = _locked_person(by, person)
    if not _may(by, Employment, "add", organization):
        raise PermissionDenied
    return _open_employment(
        by=by, person=locked, organization=organization, position=position, start_date=start_date
    )


@transaction.atomic
def employment_end(*, by, employment: Employment, end_date: dt.date) -> Employment:
    """The employment ends on ``end_date``; if it was the current one the person then has
    no current organisation."""
    locked = (
        Employment.objects.visible_to(by, "change")
        .select_for_update(of=("self",))
        .select_related("organization", "person")
        .filter(pk=employment.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied
    if end_date < locked.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    was_current = locked.end_date is None
    old = {"end_date": locked.end_date}
    locked.end_date = end_date
    locked.save(update_fields=["end_date"])
    if was_current:
        Person.objects.filter(pk=locked.person_id).update(current_organization=None)
    audit.record(
        actor=by,
        action="employment.end",
        obj=locked,
        organization=locked.organization,
        old=old,
        new={"end_date": end_date},
    )
    return locked


@transaction.atomic
def certificate_add(*, by, person: Person, data: dict[str, Any]) -> Certificate:
    """Record a certificate the person holds."""
    if not _may(by, Certificate, "add", person.current_organization):
        raise PermissionDenied
    certificate = Certificate(
        person=person, **{k: v for k, v in data.items() if k in CERTIFICATE_FIELDS}
    )
    certificate.full_clean()
    certificate.save()
    audit.record(
        actor=by,
        action="certificate.add",
        obj=certificate,
        organization=person.current_organization,
        new=audit.snapshot(certificate),
    )
    return certificate


@transaction.atomic
def field_instructor_set(*, by, person: Person, data: dict[str, Any]) -> FieldInstructor:
    """Create or change the person's field-instructor status (trained, since, capacity)."""
    if not _may(by, FieldInstructor, "change", person.current_organization):
        raise PermissionDenied
    status = FieldInstructor.objects.select_for_update(of=("self",)).filter(person=person).first()
    old = audit.snapshot(status) if status else {}
    status = status or FieldInstructor(person=person)
    for name, value in data.items():
        if name not in FIELD_INSTRUCTOR_FIELDS:
            raise ValueError(f"Unknown field-instructor field: {name}")
        setattr(status, name, value)
    status.full_clean()
    status.save()
    old_changed, new_changed = audit.diff(old, audit.snapshot(status))
    if new_changed:
        audit.record(
            actor=by,
            action="field_instructor.set",
            obj=status,
            organization=person.current_organization,
            old=old_changed,
            new=new_changed,
        )
    return status


def record_person_view(*, person: Person, user, purpose: str = "") -> PersonAccessLog | None:
    """Log that ``user`` viewed the person's detail, when the user is not of the person's
    current organisation (colleagues looking at their own staff are not logged)."""
    if user is SYSTEM or not getattr(user, "is_authenticated", False):
        return None
    memberships = getattr(user, "active_memberships", [])
    organization_ids = {m.organization_id for m in memberships}
    if person.current_organization_id and person.current_organization_id in organization_ids:
        return None
    return PersonAccessLog.objects.create(
        person=person,
        user=user,
        user_organization=memberships[0].organization if memberships else None,
        purpose=purpose[:200],
    )


@dataclass
class PersonRow:
    """One person to load in bulk, with their current employment and what they hold."""

    person: Person
    organization: Organization | None = None
    position: str = ""
    start_date: dt.date | None = None
    certificates: list[Certificate] = field(default_factory=list)
    instructor: FieldInstructor | None = None


BULK_BATCH = 1000


@transaction.atomic
def people_bulk_load(*, by, rows: list[PersonRow], label: str) -> int:
    """Load many people at once (the programme office or a command): each row is validated
    like a single one, then written with ``bulk_create`` in batches, and ONE audit event
    summarises the load instead of one per person. Returns the number of people created."""
    if not scope_for(by, Person, "add").everything:
        raise PermissionDenied
    if not rows:
        return 0
    seen: set[str] = set()
    for row in rows:
        person = row.person
        person.clean_fields(exclude=["current_organization"])
        person.clean()
        if person.cccd:
            if person.cccd in seen:
                raise ValidationError({"cccd": _("This citizen ID appears twice.")})
            seen.add(person.cccd)
        person.current_organization = row.organization
        person.refresh_search_text()
    ids = sorted(seen)
    for start in range(0, len(ids), 500):  # under every backend's limit of parameters
        clash = (
            Person.objects.filter(cccd__in=ids[start : start + 500])
            .values_list("cccd", flat=True)
            .first()
        )
        if clash:
            raise ValidationError(
                {"cccd": _("Citizen ID %(cccd)s is already registered.") % {"cccd": clash}}
            )
    Person.objects.bulk_create([r.person for r in rows], batch_size=BULK_BATCH)
    employments, certificates, instructors = [], [], []
    for row in rows:
        if row.organization is not None:
            employments.append(
                Employment(
                    person=row.person,
                    organization=row.organization,
                    position=row.position,
                    start_date=row.start_date or dt.date.today(),
                )
            )
        for certificate in row.certificates:
            certificate.person = row.person
            certificates.append(certificate)
        if row.instructor is not None:
            row.instructor.person = row.person
            instructors.append(row.instructor)
    Employment.objects.bulk_create(employments, batch_size=BULK_BATCH)
    Certificate.objects.bulk_create(certificates, batch_size=BULK_BATCH)
    FieldInstructor.objects.bulk_create(instructors, batch_size=BULK_BATCH)
    audit.record(
        actor=by,
        action="person.bulk_load",
        object_type=Person._meta.label_lower,
        object_repr=label,
        new={
            "people": len(rows),
            "employments": len(employments),
            "certificates": len(certificates),
            "field_instructors": len(instructors),
        },
    )
    return len(rows)
