"""Hours of practice approved in a placement's logbook (what completion requires).

One definition with the logbook's progress bar: the approved hours of the *current*
versions of the entries (a correction awaiting approval takes its entry's hours out until
it is approved), summed by :func:`ctxh.practicum.selectors.logbook._sums`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .logbook import _sums


def approved_hours(placement) -> Decimal:
    """The approved hours of ``placement``'s logbook."""
    return approved_hours_by_placement([placement])[placement.pk]


def approved_hours_by_placement(placements: Iterable) -> dict[int, Decimal]:
    """``approved_hours`` for several placements in one query, by placement id."""
    ids = [getattr(p, "pk", p) for p in placements]
    sums = _sums(ids) if ids else {}
    return {pk: Decimal((sums.get(pk) or {}).get("approved") or 0) for pk in ids}
