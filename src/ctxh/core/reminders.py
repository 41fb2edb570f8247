"""Periodic reminders, run together by ``ctxh remind`` (cron, or the demo's worker with
``ctxh jobs_worker --remind-every SECONDS``).

Each app registers its reminders from its ``AppConfig.ready()``::

    from ctxh.core import reminders
    reminders.register("practicum.entries_unapproved", remind_unapproved_entries)

A reminder is a function taking ``now`` (keyword) and returning how many people or
objects it reminded; it sends each reminder once per window, recording it with
:func:`claim` (or a field of its own). :func:`run_all` runs every registered reminder,
then the daily digests of the notifications (so that the day's reminders are in them).
One failing reminder is logged and does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from .audit import audit_context
from .models import AuditEvent, ReminderLog

__all__ = ["claim", "register", "registered", "run_all"]

logger = logging.getLogger(__name__)

_REMINDERS: dict[str, Callable[..., int]] = {}


def register(name: str, function: Callable[..., int]) -> None:
    """Add a reminder (``function(*, now) -> int``) under ``name`` (registering the same
    name again replaces it)."""
    _REMINDERS[name] = function


def registered() -> dict[str, Callable[..., int]]:
    """The registered reminders by name, in registration order."""
    return dict(_REMINDERS)


def claim(kind: str, keys: Iterable[tuple[object, str]], *, now: dt.datetime | None = None):
    """Of ``keys`` (``(object id, window)`` pairs), the ones not yet reminded for
    ``kind``, recorded as reminded now. Call it inside the transaction that sends the
    reminder (the notification in ``on_commit``)."""
    now = now or timezone.now()
    wanted = {(str(obj), str(window)) for obj, window in keys}
    if not wanted:
        return set()
    objects = {obj for obj, _w in wanted}
    done = set(
        ReminderLog.objects.filter(kind=kind, object_id__in=objects).values_list(
            "object_id", "window"
        )
    )
    new = wanted - done
    ReminderLog.objects.bulk_create(
        [ReminderLog(kind=kind, object_id=o, window=w, sent_at=now) for o, w in sorted(new)],
        ignore_conflicts=True,
    )
    return new


def run_all(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run every registered reminder, then the daily digests; returns the count of each
    by name (``-1`` for one that failed, which is logged)."""
    from .notifications import send_digests

    now = now or timezone.now()
    results: dict[str, int] = {}
    steps = [*_REMINDERS.items(), ("core.digests", send_digests)]
    with audit_context(source=AuditEvent.Source.COMMAND):
        for name, function in steps:
            try:
                with transaction.atomic():
                    results[name] = int(function(now=now) or 0)
            except Exception:
                logger.exception("Reminder %s failed", name)
                results[name] = -1
    return results
