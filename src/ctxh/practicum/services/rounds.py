"""Writes to the schools' rounds (đợt thực tập) in a placement period (step 2)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for

from ..models import PlacementPeriod, Round

ROUND_FIELDS = ("name", "practice_type", "level", "starts_on", "ends_on", "required_hours")

#: A school may open a round while the period prepares or collects preferences.
OPEN_FOR_ROUNDS = (PlacementPeriod.Status.PREPARING, PlacementPeriod.Status.PREFERENCES)


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise TypeError(f"Unknown round fields: {sorted(unknown)}")
    if isinstance(fields.get("name"), str):
        fields["name"] = " ".join(fields["name"].split())


@transaction.atomic
def round_create(*, period: PlacementPeriod, school, by, **fields: Any) -> Round:
    """Open ``school``'s round in ``period``: its practice type, level, dates (inside the
    period's) and required hours. The school's coordinators for their own school, the
    programme office for any; only while the period prepares or collects preferences."""
    if not scope_for(by, Round, "add").covers(school):
        raise PermissionDenied
    _check_fields(fields)
    if period.status not in OPEN_FOR_ROUNDS:
        raise ValidationError(
            {
                "period": _(
                    "The period “%(period)s” is at the stage “%(status)s”: rounds can no longer "
                    "be opened in it."
                )
                % {"period": period.name, "status": period.get_status_display()}
            }
        )
    rnd = Round(period=period, school=school, **fields)
    rnd.full_clean()
    rnd.save()
    audit.record(
        actor=by,
        action="round.create",
        obj=rnd,
        organization=school,
        new=audit.snapshot(rnd, ["period_id", "school_id", *ROUND_FIELDS]),
    )
    return rnd


@transaction.atomic
def round_update(*, round: Round, by, **fields: Any) -> Round:  # noqa: A002 - the domain's word
    """Change a round's name, practice type, level, dates or hours (same people as
    :func:`round_create`). Once the period's preferences are frozen, the practice type and
    level (what the students ranked against) stay as they are."""
    if not scope_for(by, Round, "change").covers_object(round):
        raise PermissionDenied
    _check_fields(fields)
    rnd = Round.objects.select_related("period", "school").select_for_update().get(pk=round.pk)
    if rnd.period.status == PlacementPeriod.Status.CLOSED:
        raise ValidationError(_("The period is closed; its rounds can no longer be changed."))
    if rnd.period.status not in OPEN_FOR_ROUNDS:
        frozen = [
            name
            for name in ("practice_type", "level")
            if name in fields and fields[name] != getattr(rnd, name)
        ]
        if frozen:
            raise ValidationError(
                {
                    name: _("Preferences are frozen: the practice type and level stay as they are.")
                    for name in frozen
                }
            )
    with audit.tracking(
        rnd, actor=by, action="round.update", organization=rnd.school, fields=list(ROUND_FIELDS)
    ):
        for name, value in fields.items():
            setattr(rnd, name, value)
        rnd.full_clean()
        rnd.save()
    return rnd
