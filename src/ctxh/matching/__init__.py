"""Allocation engine for the practicum: stable student-to-site allocation.

Plain Python (standard library only); nothing here imports Django. See
``docs/matching.md`` for the model, the guarantees and the measured figures.

Stable entry points (called by external checks):

* :func:`solve_hr`, :func:`solve_spa` — textbook HR and SPA-S on dictionaries;
* :func:`find_blocking_pairs_hr`, :func:`find_blocking_pairs_spa` and the dispatching
  :func:`find_blocking_pairs`.

Rich entry point for the application: :func:`allocate` on a :class:`Problem`.
"""

from .engine import allocate, blocking_pairs, check_valid, priority_order
from .model import (
    Instructor,
    Placement,
    Problem,
    Reason,
    Rejection,
    Result,
    SchoolSummary,
    Site,
    Student,
    Summary,
)
from .simple import (
    find_blocking_pairs,
    find_blocking_pairs_hr,
    find_blocking_pairs_spa,
    solve_hr,
    solve_spa,
)

__all__ = [
    "Instructor",
    "Placement",
    "Problem",
    "Reason",
    "Rejection",
    "Result",
    "SchoolSummary",
    "Site",
    "Student",
    "Summary",
    "allocate",
    "blocking_pairs",
    "check_valid",
    "find_blocking_pairs",
    "find_blocking_pairs_hr",
    "find_blocking_pairs_spa",
    "priority_order",
    "solve_hr",
    "solve_spa",
]
