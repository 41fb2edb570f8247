"""Hours of practice approved in a placement's logbook.

TODO(lead): the logbook branch owns ``LogEntry``; until it is merged there is no entry and
every placement has 0 approved hours. Reconcile with that branch's selector at merge.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.apps import apps
from django.db.models import Sum


def _entries():
    try:
        return apps.get_model("practicum", "LogEntry")
    except LookupError:
        return None


def _approved(model):
    # An approved entry corrected by a newer version no longer counts (the new one does).
    return model.objects.filter(status="approved", superseded_by__isnull=True)


def approved_hours(placement) -> Decimal:
    """The hours of ``placement``'s approved, current logbook entries (0 without a logbook)."""
    model = _entries()
    if model is None:
        return Decimal(0)
    total = _approved(model).filter(placement=placement).aggregate(n=Sum("hours"))["n"]
    return Decimal(total or 0)


def approved_hours_by_placement(placements: Iterable) -> dict[int, Decimal]:
    """``approved_hours`` for several placements in one query, by placement id."""
    ids = [getattr(p, "pk", p) for p in placements]
    model = _entries()
    if model is None or not ids:
        return dict.fromkeys(ids, Decimal(0))
    found = dict(
        _approved(model)
        .filter(placement_id__in=ids)
        .values_list("placement_id")
        .annotate(n=Sum("hours"))
        .order_by()
    )
    return {pk: Decimal(found.get(pk) or 0) for pk in ids}
