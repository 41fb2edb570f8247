"""The cooperation's demo data, loaded at the end of ``ctxh demo`` (each area its module)."""

from __future__ import annotations

from .events import load_events


def load_cooperation() -> dict[str, int] | None:
    """Load the cooperation's demo data (None when it was loaded before)."""
    return load_events()
