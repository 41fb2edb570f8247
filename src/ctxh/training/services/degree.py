"""Degree training: the people an organisation sends to an intermediate, college,
university, master's or doctoral programme (the 797 of the articles)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import may

from ..models import DegreeTraining

FIELDS = (
    "person",
    "organization",
    "level",
    "institution",
    "major",
    "starts_on",
    "expected_end",
    "actual_end",
    "funding",
)
AUDITED = tuple(f"{name}_id" if name in ("person", "organization") else name for name in FIELDS)


def degree_save(*, by, degree: DegreeTraining | None = None, **fields) -> DegreeTraining:
    """Create (``degree`` None) or change a degree training. The sending organisation
    (by default the person's current organisation) must be within the user's scope for
    ``add`` / ``change`` — the organisation's manager or ward office, or the programme
    office — before and after the change. Validated (``full_clean``), audited with the
    old and new values."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown degree training fields: {sorted(unknown)}")
    action = "add" if degree is None else "change"
    with transaction.atomic():
        if degree is None:
            degree = DegreeTraining()
        else:
            # As stored (a form may have changed the instance it was given).
            degree = DegreeTraining.objects.select_for_update().get(pk=degree.pk)
            if not may(by, DegreeTraining, "change", degree.organization):
                raise PermissionDenied(_("You may not change this degree training."))
        with audit.tracking(
            degree,
            actor=by,
            action=f"degreetraining.{'create' if action == 'add' else 'update'}",
            fields=AUDITED,
        ) as change:
            for name, value in fields.items():
                setattr(degree, name, value.strip() if isinstance(value, str) else value)
            if degree.organization_id is None and degree.person_id:
                degree.organization_id = degree.person.current_organization_id
            if degree.organization_id is None:
                raise ValidationError(
                    {"organization": _("Choose the organisation that sends this person.")}
                )
            if not may(by, DegreeTraining, action, degree.organization):
                raise PermissionDenied(
                    _("You may not record degree training for this organisation.")
                )
            degree.full_clean()
            degree.save()
            change.organization = degree.organization
    return degree
