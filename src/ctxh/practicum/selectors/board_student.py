"""The student's part of the practicum board (``/practicum/``)."""

from __future__ import annotations


def context(request, period) -> dict | None:
    """What the student's section of the board shows for ``period`` (None: not shown)."""
    return None
