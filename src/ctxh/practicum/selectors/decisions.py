"""How long facilities take to decide on proposals, and which decisions are overdue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ..models import Placement, PlacementPeriod


@dataclass
class DecisionTimes:
    """One facility's figures in a period. Days are whole days from proposal to decision."""

    facility_id: int
    decided: int = 0
    pending: int = 0
    overdue: int = 0
    total_days: int = 0
    max_days: int | None = None
    oldest_pending: dt.datetime | None = None
    last_reminded: dt.datetime | None = None

    @property
    def mean_days(self) -> float | None:
        return round(self.total_days / self.decided, 1) if self.decided else None

    def days_waiting(self, now: dt.datetime | None = None) -> int | None:
        """Days the oldest pending proposal has waited."""
        if self.oldest_pending is None:
            return None
        return ((now or timezone.now()) - self.oldest_pending).days


def overdue_before(period: PlacementPeriod, now: dt.datetime | None = None) -> dt.datetime:
    """A proposal made before this moment is overdue (older than the reminder days)."""
    return (now or timezone.now()) - dt.timedelta(days=period.reminder_days)


def decision_times(
    period: PlacementPeriod, *, facility_ids=None, now: dt.datetime | None = None
) -> dict[int, DecisionTimes]:
    """Per facility (id → :class:`DecisionTimes`): decided count, mean and max days to
    decide, pending and overdue proposals. One query; withdrawn placements are left out
    (the programme office took them back, no decision was the facility's)."""
    limit = overdue_before(period, now)
    rows = Placement.objects.filter(
        period=period,
        status__in=[
            Placement.Status.PROPOSED,
            Placement.Status.ACCEPTED,
            Placement.Status.DECLINED,
            Placement.Status.IN_PRACTICE,
            Placement.Status.COMPLETED,
            Placement.Status.INTERRUPTED,
        ],
    )
    if facility_ids is not None:
        rows = rows.filter(facility_id__in=list(facility_ids))
    figures: dict[int, DecisionTimes] = {}
    for facility_id, status, proposed_at, decided_at, reminded_at in rows.values_list(
        "facility_id", "status", "proposed_at", "decided_at", "reminded_at"
    ).order_by():
        f = figures.get(facility_id)
        if f is None:
            f = figures[facility_id] = DecisionTimes(facility_id)
        if reminded_at and (f.last_reminded is None or reminded_at > f.last_reminded):
            f.last_reminded = reminded_at
        if status == Placement.Status.PROPOSED:
            f.pending += 1
            if proposed_at <= limit:
                f.overdue += 1
            if f.oldest_pending is None or proposed_at < f.oldest_pending:
                f.oldest_pending = proposed_at
        elif decided_at is not None:
            days = max((decided_at - proposed_at).days, 0)
            f.decided += 1
            f.total_days += days
            f.max_days = days if f.max_days is None else max(f.max_days, days)
    return figures
