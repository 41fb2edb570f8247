"""The monitoring's demo data: the programme's indicators and targets (and the periodic
submissions, in their own module)."""

from .indicators import load_indicators


def load_monitoring() -> None:
    """Load the monitoring's demo data (idempotent)."""
    load_indicators()
