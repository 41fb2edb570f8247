"""The monitoring's demo data (the lead reconciles this with the indicators' part)."""

from __future__ import annotations


def load_monitoring() -> None:
    """Load the monitoring's demo data: the periodic submissions."""
    from .submissions import load_submissions

    load_submissions()
