"""One per-client counter for the public pages (verification, visitor registration).

Counted in the shared cache, so every app server sees the same count (with several servers,
set ``REDIS_URL``); a window is one wall-clock minute.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from .clientip import client_ip


def over_limit(request, *, scope: str, limit: int) -> bool:
    """Count this request of ``scope`` for its client; True when the client has sent more
    than ``limit`` this minute (a limit below 1 refuses everything)."""
    minute = int(time.time() // 60)
    key = f"ctxh:{scope}:{client_ip(request) or 'unknown'}:{minute}"
    if cache.add(key, 1, timeout=90):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=90)
        count = 1
    return count > limit
