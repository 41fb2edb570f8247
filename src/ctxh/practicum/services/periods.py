"""Writes to placement periods (step 2 of the procedure): the programme office opens a
period, edits it and moves it through its statuses."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import transition

from ..models import PlacementPeriod

PERIOD_FIELDS = (
    "name",
    "starts_on",
    "ends_on",
    "preference_deadline",
    "acceptance_deadline",
    "max_choices",
    "reminder_days",
)


def _organizer(by):
    """The organisation a new period is filed under: the actor's programme office."""
    for membership in getattr(by, "active_memberships", []):
        if membership.role == "programme_office":
            return membership.organization
    return None


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(PERIOD_FIELDS)
    if unknown:
        raise TypeError(f"Unknown placement-period fields: {sorted(unknown)}")
    if isinstance(fields.get("name"), str):
        fields["name"] = " ".join(fields["name"].split())


@transaction.atomic
def period_create(*, by, organizer=None, **fields: Any) -> PlacementPeriod:
    """Open a placement period (kỳ thực tập) in the status *preparing*.

    Only the programme office (``manage`` on :class:`PlacementPeriod`). ``organizer``
    defaults to the actor's programme office. Dates and deadlines are checked by the
    model (the period ends after it starts; acceptance after preferences).
    """
    scope = scope_for(by, PlacementPeriod, "manage")
    organizer = organizer or _organizer(by)
    if organizer is None:
        if scope.empty:
            raise PermissionDenied
        raise ValidationError(_("Choose the organisation that organises the period."))
    if not scope.covers(organizer):
        raise PermissionDenied
    _check_fields(fields)
    period = PlacementPeriod(organizer=organizer, **fields)
    period.created_by = by if getattr(by, "pk", None) else None
    period.full_clean()
    period.save()
    audit.record(
        actor=by,
        action="placementperiod.create",
        obj=period,
        organization=organizer,
        new=audit.snapshot(period, ["organizer_id", *PERIOD_FIELDS, "status"]),
    )
    return period


@transaction.atomic
def period_update(*, period: PlacementPeriod, by, **fields: Any) -> PlacementPeriod:
    """Change a period's name, dates, deadlines or number of choices (programme office).

    A closed period is history and stays as it was. Rounds already inside the period must
    stay inside its new dates.
    """
    if not scope_for(by, PlacementPeriod, "manage").covers_object(period):
        raise PermissionDenied
    _check_fields(fields)
    period = PlacementPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status == PlacementPeriod.Status.CLOSED:
        raise ValidationError(_("The period is closed; it can no longer be changed."))
    with audit.tracking(
        period,
        actor=by,
        action="placementperiod.update",
        organization=period.organizer_id,
        fields=list(PERIOD_FIELDS),
    ):
        for name, value in fields.items():
            setattr(period, name, value)
        period.full_clean()
        outside = period.rounds.exclude(
            starts_on__gte=period.starts_on, ends_on__lte=period.ends_on
        ).first()
        if outside is not None:
            raise ValidationError(
                {
                    "starts_on": _(
                        "The round “%(round)s” (%(start)s – %(end)s) would fall outside the "
                        "period; change the round first."
                    )
                    % {
                        "round": outside.name,
                        "start": outside.starts_on.strftime("%d/%m/%Y"),
                        "end": outside.ends_on.strftime("%d/%m/%Y"),
                    }
                }
            )
        period.save()
    return period


#: Targets a plain button may not reach: committing an allocation turns a run into
#: proposals, which only the allocation's own commit service does (it calls
#: :func:`period_move` itself after writing the placements).
COMMIT_TARGETS = frozenset({PlacementPeriod.Status.ACCEPTANCE})


def period_move(*, period: PlacementPeriod, to: str, by, reason: str = "") -> PlacementPeriod:
    """Move a period to the status ``to`` through its transition table (programme office):
    open preferences, freeze them, reopen, commit (the allocation's service only), close.
    Refused with a clear message when the table does not allow it."""
    return transition(period, to=to, by=by, reason=reason)
