"""The monitoring's demo data: the programme's indicators and targets, then two years of
periodic submissions (each area in its own module)."""

from __future__ import annotations

from .indicators import load_indicators
from .submissions import load_submissions


def load_monitoring() -> None:
    """Load the monitoring's demo data (idempotent)."""
    load_indicators()
    load_submissions()
