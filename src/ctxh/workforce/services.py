"""Every write to the workforce registry. Keyword-only, permission-checked, atomic, audited.

Ward officers and facility managers keep the people of their own organisation; the
programme office keeps everyone. ``current_organization`` on a person is maintained here
and only here, from the person's open employment.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import SYSTEM, may, scope_for
from ctxh.core.text import clean_text
from ctxh.organizations.models import Organization

from .cccd import mask_cccd
from .models import (
    AccessPurpose,
    Certificate,
    Employment,
    FieldInstructor,
    Person,
    PersonAccessLog,
    WorkforceTarget,
)

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
    if not may(by, Person, "add", organization):
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
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"Unknown person field: {', '.join(sorted(unknown))}")
    with audit.tracking(
        locked, actor=by, action="person.update", organization=locked.current_organization
    ):
        for name, value in data.items():
            setattr(locked, name, value)
        _save_person(locked)
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
    if not may(by, Employment, "add", organization):
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
    if not may(by, Certificate, "add", person.current_organization):
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
    if not may(by, FieldInstructor, "change", person.current_organization):
        raise PermissionDenied
    unknown = set(data) - set(FIELD_INSTRUCTOR_FIELDS)
    if unknown:
        raise ValueError(f"Unknown field-instructor field: {', '.join(sorted(unknown))}")
    status = FieldInstructor.objects.select_for_update(of=("self",)).filter(person=person).first()
    status = status or FieldInstructor(person=person)
    with audit.tracking(
        status, actor=by, action="field_instructor.set", organization=person.current_organization
    ):
        for name, value in data.items():
            setattr(status, name, value)
        status.full_clean()
        status.save()
    return status


TARGET_FIELDS = ("indicator", "year", "percent", "source")


@transaction.atomic
def workforce_target_save(*, by, target: WorkforceTarget) -> WorkforceTarget:
    """Create or change a Decision 112 target from ``target``'s values (the superusers'
    admin edits targets: they are data, not code). Audited with what changed."""
    if not scope_for(by, WorkforceTarget, "change").everything:
        raise PermissionDenied
    stored = None
    if target.pk is not None:
        stored = WorkforceTarget.objects.select_for_update().filter(pk=target.pk).first()
    stored = stored or WorkforceTarget()
    with audit.tracking(stored, actor=by, action="workforce_target.set"):
        for name in TARGET_FIELDS:
            setattr(stored, name, getattr(target, name))
        stored.full_clean()
        stored.save()
    target.pk = stored.pk
    return stored


def viewer_of_another_organization(user, person: Person) -> bool:
    """Whether opening ``person``'s data is an access by someone outside the person's
    organisation (logged, and asked its purpose first); colleagues of the person's current
    organisation are not."""
    if user is SYSTEM or not getattr(user, "is_authenticated", False):
        return False
    organization_ids = {m.organization_id for m in getattr(user, "active_memberships", [])}
    return not (
        person.current_organization_id and person.current_organization_id in organization_ids
    )


def record_person_view(
    *, person: Person, user, page: str = "", purpose: str = "", purpose_detail: str = ""
) -> PersonAccessLog | None:
    """Log that ``user`` opened a page showing the person's data (``page`` says which: the
    detail, the edit form, an employment, certificate or field-instructor page) and why
    (``purpose``, an :class:`AccessPurpose`, and ``purpose_detail`` in the user's words),
    when the user is not of the person's current organisation (colleagues looking at their
    own staff are not logged)."""
    if not viewer_of_another_organization(user, person):
        return None
    if purpose and purpose not in AccessPurpose.values:
        raise ValidationError({"purpose": _("Choose a purpose from the list.")})
    memberships = getattr(user, "active_memberships", [])
    return PersonAccessLog.objects.create(
        person=person,
        user=user,
        user_organization=memberships[0].organization if memberships else None,
        page=page[:200],
        purpose=purpose,
        purpose_detail=clean_text(purpose_detail)[:200],
    )


_ID_LIKE = re.compile(r"\d{6,}")


def record_people_export(*, user, count: int, fmt: str, filters: dict[str, Any]) -> None:
    """Log a download of the people list: ONE audit event per file, with how many people
    it holds and the filters that chose them (not one entry per person)."""
    # A search may name a citizen ID: never in clear in the trail.
    filters = {
        key: _ID_LIKE.sub(lambda m: mask_cccd(m.group()), value)
        if isinstance(value, str)
        else value
        for key, value in filters.items()
    }
    audit.record(
        actor=user,
        action="person.export",
        object_type=Person._meta.label_lower,
        object_repr=_("People list (%(format)s)") % {"format": fmt.upper()},
        new={"count": count, "format": fmt, "filters": filters},
    )
