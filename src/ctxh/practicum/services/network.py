"""Writes to the practice network: a facility's practice site (step 1 of the procedure)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for
from ctxh.core.validators import normalize_phone, validate_vn_phone
from ctxh.organizations.models import FACILITY_KINDS

from ..models import GenderRequirement, Level, PracticeSite, PracticeType

#: The fields :func:`site_save` accepts (``target_groups`` is a list of TargetGroup).
SITE_FIELDS = (
    "practice_types",
    "levels",
    "gender_requirement",
    "vaccination_required",
    "language_required",
    "requirements",
    "address",
    "latitude",
    "longitude",
    "contact_name",
    "contact_phone",
    "contact_email",
    "active",
)


def _clean_choices(values, choices, field: str, message: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if v not in choices.values]
    if unknown:
        raise ValidationError({field: message % {"value": ", ".join(map(str, unknown))}})
    # Kept in the vocabulary's order: the same set always reads (and compares) the same.
    return [v for v in choices.values if v in values]


@transaction.atomic
def site_save(*, facility, by, target_groups=None, **fields: Any) -> PracticeSite:
    """Create or update ``facility``'s practice site (its place in the practice network).

    Allowed to the facility's managers and the programme office (``change`` on
    :class:`PracticeSite`). Practice types and levels must come from their vocabularies; the
    contact phone is a Vietnamese number (kept in its national form). Audited as
    ``practicesite.create`` / ``practicesite.update`` with the changed values.
    """
    if not scope_for(by, PracticeSite, "change").covers(facility):
        raise PermissionDenied
    if facility.kind not in FACILITY_KINDS:
        raise ValidationError(_("Only a social-assistance facility can be a practice site."))
    unknown = set(fields) - set(SITE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown practice-site fields: {sorted(unknown)}")
    site = PracticeSite.objects.filter(facility=facility).first()
    created = site is None
    if created:
        site = PracticeSite(facility=facility)
    if "practice_types" in fields:
        fields["practice_types"] = _clean_choices(
            fields["practice_types"],
            PracticeType,
            "practice_types",
            _("Unknown practice type: %(value)s."),
        )
    if "levels" in fields:
        fields["levels"] = _clean_choices(
            fields["levels"], Level, "levels", _("Unknown level: %(value)s.")
        )
    if fields.get("gender_requirement") not in (None, *GenderRequirement.values):
        raise ValidationError({"gender_requirement": _("Unknown gender requirement.")})
    if fields.get("contact_phone"):
        fields["contact_phone"] = normalize_phone(fields["contact_phone"])
        try:
            validate_vn_phone(fields["contact_phone"])
        except ValidationError as exc:
            raise ValidationError({"contact_phone": exc.messages}) from None
    for name in ("language_required", "requirements", "address", "contact_name"):
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()
    for name in ("latitude", "longitude"):
        if isinstance(fields.get(name), int | float):
            fields[name] = Decimal(str(round(fields[name], 5)))
    errors = {}
    if (fields.get("latitude") is None) != (fields.get("longitude") is None) and (
        "latitude" in fields or "longitude" in fields
    ):
        errors["longitude"] = _("Give both the latitude and the longitude, or neither.")
    if errors:
        raise ValidationError(errors)
    old_groups = [] if created else sorted(site.target_groups.values_list("pk", flat=True))
    with audit.tracking(
        site,
        actor=by,
        action="practicesite.create" if created else "practicesite.update",
        organization=facility,
        fields=["facility_id", *SITE_FIELDS],
    ) as change:
        for name, value in fields.items():
            setattr(site, name, value)
        site.updated_by = by if getattr(by, "pk", None) else None
        site.full_clean()
        site.save()
        if target_groups is not None:
            site.target_groups.set(target_groups)
    new_groups = sorted(site.target_groups.values_list("pk", flat=True))
    if change.event is None and new_groups != old_groups:
        audit.record(
            actor=by,
            action="practicesite.update",
            obj=site,
            organization=facility,
            old={"target_groups": old_groups},
            new={"target_groups": new_groups},
        )
    elif change.event is not None and new_groups != old_groups:
        change.event.old_values["target_groups"] = old_groups
        change.event.new_values["target_groups"] = new_groups
        change.event.save(update_fields=["old_values", "new_values"])
    return site
