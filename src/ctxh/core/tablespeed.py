"""django-tables2 inspects a render method's signature for every cell it draws
(``django_tables2.utils.signature`` → ``inspect.signature``): on a page of 50 rows × 8
columns that is ~40 % of the page's time. A function's signature never changes, so it is
computed once per function and remembered. Installed from ``CoreConfig.ready()``; measured
with ``bench/accounts.py`` (see docs/architecture.md, "Tables").
"""

from __future__ import annotations

import functools

from django_tables2 import utils as _utils

_original = _utils.signature


@functools.lru_cache(maxsize=4096)
def _cached(func, bound: bool):
    if bound:
        # The signature of the bound method drops ``self``: build it from a stand-in.
        return _original(functools.partial(func, None))
    return _original(func)


def cached_signature(fn):
    """``django_tables2.utils.signature``, remembered per (function, bound or not)."""
    func = getattr(fn, "__func__", None)
    if func is not None:
        try:
            return _cached(func, True)
        except TypeError:  # an unhashable callable: no cache
            return _original(fn)
    try:
        return _cached(fn, False)
    except TypeError:
        return _original(fn)


def install() -> None:
    _utils.signature = cached_signature
