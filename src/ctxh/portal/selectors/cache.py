"""A short low-level cache of the portal's public facts.

The pages themselves are not cached whole: each carries a CSRF token (the language switch,
the registration form), so a cached page would be shared between visitors or, varying on
the cookie, be of no use. The selectors' results are cached instead — frozen dataclasses,
the same for everyone — under a key holding the language (labels are translated when
read) and, for events, a generation number that every registration moves on, so the next
view of an event shows the seats left at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

T = TypeVar("T")

#: Seconds a public fact stays cached (a change made in the app shows within this time).
DEFAULT_TIMEOUT = 120
EVENTS_GENERATION = "ctxh:portal:events:gen"


def _timeout() -> int:
    return int(getattr(settings, "CTXH_PORTAL_CACHE_SECONDS", DEFAULT_TIMEOUT))


def events_generation() -> int:
    """The current generation of the events' cached facts (moved on by registrations)."""
    return cache.get(EVENTS_GENERATION) or 0


def bump_events() -> None:
    """Forget every cached event fact (a registration changed the seats left)."""
    try:
        cache.incr(EVENTS_GENERATION)
    except ValueError:  # not there yet (or expired)
        cache.set(EVENTS_GENERATION, 1, timeout=None)


def cached(area: str, params: tuple, build: Callable[[], T], *, generation: int = 0) -> T:
    """``build()``'s result, cached under ``area``, ``params``, the language and the
    ``generation`` for a short time."""
    raw = repr((params, get_language() or settings.LANGUAGE_CODE, generation))
    key = f"ctxh:portal:{area}:{hashlib.sha256(raw.encode()).hexdigest()}"
    found = cache.get(key)
    if found is not None:
        return found[0]  # a one-item tuple: a cached None (no such event) is a hit too
    value = build()
    cache.set(key, (value,), timeout=_timeout())
    return value
