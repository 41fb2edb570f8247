"""Reads of the headcount review and of each facility's reporting: the flagged figures
waiting for the programme office, the figures returned to a facility, and when a facility's
next headcount is due. Re-exported from :mod:`ctxh.organizations.selectors`.

The reporting period is the calendar quarter: a facility reports its residents as of the
last day of each quarter (31/03, 30/06, 30/09, 31/12).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet, Sum
from django.utils import timezone

from ..models import Organization, ResidentCount


def quarter_end(day: dt.date) -> dt.date:
    """The last day of ``day``'s calendar quarter."""
    month = ((day.month - 1) // 3 + 1) * 3
    first_of_next = dt.date(day.year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def next_due(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """(the period end of the current quarter — the next headcount due —, the end of the
    previous quarter — the latest one already due)."""
    today = today or timezone.localdate()
    due = quarter_end(today)
    previous = quarter_end(due.replace(day=1) - dt.timedelta(days=80))
    return due, previous


def headcount_review_queue(*, user) -> QuerySet:
    """Flagged figures awaiting review among those ``user`` may review, oldest first,
    with what the review page shows loaded (facility, ward, group, who recorded)."""
    return (
        ResidentCount.objects.visible_to(user, "review")
        .awaiting_review()
        .select_related("facility", "facility__ward", "target_group", "recorded_by")
        .order_by("recorded_at", "id")
    )


def returned_headcounts(*, user, facility: Organization | None = None) -> QuerySet:
    """Figures returned for correction, not corrected since, among the facilities
    ``user`` may report for (one facility when given)."""
    rows = (
        ResidentCount.objects.visible_to(user, "add")
        .returned()
        .select_related("facility", "target_group", "reviewed_by")
        .order_by("-period_end", "facility__sort_key", "target_group__order")
    )
    return rows.filter(facility=facility) if facility is not None else rows


@dataclass
class FacilityReporting:
    """Where a facility stands with its headcounts: for its manager's home page."""

    facility: Organization
    capacity: int | None
    last_period: dt.date | None
    last_total: int | None
    due: dt.date
    overdue_period: dt.date | None  # a quarter end already due with no figures
    awaiting_review: int = 0
    returned: list[ResidentCount] = field(default_factory=list)


def facility_reporting(*, user, facility: Organization, today=None) -> FacilityReporting:
    """Capacity, latest accepted headcount (date and total), the next one due, the one
    overdue if any, and the figures awaiting review or returned."""
    due, previous_due = next_due(today)
    visible = ResidentCount.objects.visible_to(user, "view").filter(facility=facility)
    in_force = visible.in_force()
    last_period = in_force.order_by("-period_end").values_list("period_end", flat=True).first()
    last_total = (
        in_force.filter(period_end=last_period).aggregate(total=Sum("count"))["total"]
        if last_period
        else None
    )
    reported = visible.current().filter(period_end__gte=previous_due).exists()
    profile = getattr(facility, "facility", None)
    return FacilityReporting(
        facility=facility,
        capacity=profile.capacity if profile else None,
        last_period=last_period,
        last_total=last_total,
        due=due,
        overdue_period=None if reported else previous_due,
        awaiting_review=visible.awaiting_review().count(),
        returned=list(returned_headcounts(user=user, facility=facility)),
    )
