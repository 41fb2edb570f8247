"""The cooperation's demo data, loaded at the end of ``ctxh demo``: each area brings its
own module and its call here."""

from __future__ import annotations

from .agreements import load_agreements
from .events import load_events


def load_cooperation() -> dict[str, int] | None:
    """Load every area of the cooperation's demo data (each is written once): events
    first, so the plans' tasks can link to the events that delivered them."""
    events = load_events()
    agreements = load_agreements()
    if events is None and agreements is None:
        return None
    return {**(events or {}), **(agreements or {})}
