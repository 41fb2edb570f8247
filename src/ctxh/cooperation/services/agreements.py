"""Agreements and their yearly action plans: recorded and changed by the programme office.

``agreement_save`` records or edits an agreement (with its signed file), ``agreement_move``
moves its status, ``plan_create`` opens the action plan of a year.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import transition

from ..models import ActionPlan, Agreement
from .uploads import attachment_add, upload_check

AGREEMENT_FIELDS = (
    "title",
    "number",
    "agency",
    "signed_on",
    "starts_on",
    "ends_on",
    "areas",
    "summary",
)


def _unknown(fields: dict, allowed: Iterable[str]) -> None:
    extra = set(fields) - set(allowed)
    if extra:
        raise TypeError(f"Unknown fields: {sorted(extra)}")


@transaction.atomic
def agreement_save(
    *,
    by,
    agreement: Agreement | None = None,
    partners: Iterable | None = None,
    signed_file=None,
    **fields: Any,
) -> Agreement:
    """Record an agreement (``agreement`` None) or change one: its fields, its
    ``partners`` (organisations; at least one) and, optionally, a new ``signed_file``
    (an upload, checked by its content before anything is written). Programme office only.
    """
    _unknown(fields, AGREEMENT_FIELDS)
    action = "add" if agreement is None else "change"
    if agreement is not None and not scope_for(by, Agreement, "change").covers_object(agreement):
        raise PermissionDenied(_("You may not change this agreement."))
    agency = fields.get("agency", agreement.agency if agreement else None)
    if not scope_for(by, Agreement, action).covers(agency):
        raise PermissionDenied(_("You may not record agreements."))
    checked = upload_check(signed_file, field="signed_file") if signed_file else None
    partners = list(partners) if partners is not None else None
    if partners is not None and not partners:
        raise ValidationError({"partners": _("Name at least one partner.")})
    if partners is not None and agency is not None and any(p.pk == agency.pk for p in partners):
        raise ValidationError({"partners": _("The agency side cannot also be its own partner.")})
    obj = agreement or Agreement()
    old_partners = sorted(obj.partners.values_list("pk", flat=True)) if obj.pk else []
    with audit.tracking(
        obj,
        actor=by,
        action="agreement.create" if agreement is None else "agreement.update",
        organization=agency,
    ) as change:
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.full_clean(exclude=["signed_file"])
        obj.save()
        if partners is not None:
            obj.partners.set(partners)
        if checked is not None:
            obj.signed_file = attachment_add(
                owner=obj,
                file=signed_file,
                by=by,
                purpose="signed",
                checked=checked,
                field="signed_file",
            )
            obj.save(update_fields=["signed_file"])
    new_partners = sorted(obj.partners.values_list("pk", flat=True))
    if partners is not None and new_partners != old_partners and change.event is None:
        audit.record(
            actor=by,
            action="agreement.update",
            obj=obj,
            organization=agency,
            old={"partners": old_partners},
            new={"partners": new_partners},
        )
    elif change.event is not None and new_partners != old_partners:
        change.event.old_values["partners"] = old_partners
        change.event.new_values["partners"] = new_partners
        change.event.save(update_fields=["old_values", "new_values"])
    return obj


def agreement_move(*, agreement: Agreement, to: str, by, reason: str = "") -> Agreement:
    """Move an agreement's status (draft → in force → expired / terminated)."""
    return transition(agreement, to=to, by=by, reason=reason)


@transaction.atomic
def plan_create(*, agreement: Agreement, year: int, by, notes: str = "") -> ActionPlan:
    """Open the action plan of ``year`` for ``agreement`` (one per year; within the
    agreement's term). Programme office only."""
    if not scope_for(by, ActionPlan, "add").covers(agreement.agency_id):
        raise PermissionDenied(_("You may not open action plans."))
    if agreement.status == Agreement.Status.TERMINATED:
        raise ValidationError(_("This agreement was terminated: it takes no new plans."))
    if ActionPlan.objects.filter(agreement=agreement, year=year).exists():
        raise ValidationError(
            {"year": _("This agreement already has a plan for %(year)s.") % {"year": year}}
        )
    first = agreement.starts_on.year
    last = agreement.ends_on.year if agreement.ends_on else None
    if year < first or (last is not None and year > last):
        raise ValidationError(
            {
                "year": _(
                    "The agreement is in force from %(first)s to %(last)s: %(year)s is outside it."
                )
                % {"first": first, "last": last or "…", "year": year}
            }
        )
    plan = ActionPlan(agreement=agreement, year=year, notes=notes)
    plan.full_clean()
    plan.save()
    audit.record(
        actor=by,
        action="actionplan.create",
        obj=plan,
        organization=agreement.agency_id,
        new={"agreement": agreement.pk, "year": year},
    )
    return plan
