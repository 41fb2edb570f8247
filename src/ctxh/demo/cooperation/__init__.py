"""The cooperation's demo data, loaded at the end of ``ctxh demo``: each area brings its
own module and its call here."""

from __future__ import annotations

from .agreements import load_agreements


def load_cooperation() -> dict[str, int] | None:
    """Load every area of the cooperation's demo data (each is written once)."""
    return load_agreements()
