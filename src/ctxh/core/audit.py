"""Writing the audit trail. Services call :func:`record` themselves, inside their transaction.

The request's IP address and the source (web, command, job) come from a context set by the
middleware, by management commands (:func:`audit_context`) and by the job runner, so a
change made from the command line is audited just like one made on a page.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import models

from .models import AuditEvent


@dataclass(frozen=True)
class AuditContext:
    source: str = AuditEvent.Source.WEB
    ip_address: str | None = None


_COMMAND = AuditContext(source=AuditEvent.Source.COMMAND)
# Frozen dataclass, so sharing the default is safe; outside a request it is "command".
_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "ctxh_audit_context",
    default=_COMMAND,  # noqa: B039
)


@contextlib.contextmanager
def audit_context(*, source: str, ip_address: str | None = None) -> Iterator[None]:
    """Mark every audit event written inside the block with this source and IP."""
    token = _context.set(AuditContext(source=source, ip_address=ip_address))
    try:
        yield
    finally:
        _context.reset(token)


def _jsonable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.QuerySet):
        return sorted(value.values_list("pk", flat=True))
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """The concrete field values of ``obj`` as JSON-friendly data (for old/new values)."""
    names = fields or [
        f.attname for f in obj._meta.concrete_fields if f.name not in {"search_text"}
    ]
    return {name: _jsonable(getattr(obj, name)) for name in names}


def diff(old: dict, new: dict) -> tuple[dict, dict]:
    """Only the keys whose value changed, as (old, new)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    object_repr: str | None = None,
    organization=None,
    old: dict | None = None,
    new: dict | None = None,
) -> AuditEvent:
    """Write one audit event. Call it from the service, inside its transaction."""
    ctx = _context.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id if object_id is not None else obj.pk
        object_repr = object_repr or str(obj)
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=real_actor,
        actor_label=(real_actor.get_username() if real_actor else ctx.source)[:200],
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        object_repr=(object_repr or "")[:300],
        organization=organization,
        old_values=_jsonable(old or {}),
        new_values=_jsonable(new or {}),
        ip_address=ctx.ip_address,
        source=ctx.source,
    )


def record_many(*, actor, events: Iterable[dict], batch_size: int = 1000) -> None:
    """Write many audit events at once (one per record of a bulk write), like :func:`record`.

    Each event is a dict with ``action`` and ``obj`` and optionally ``organization``,
    ``old`` and ``new``. Call it from the service, inside its transaction.
    """
    ctx = _context.get()
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    label = (real_actor.get_username() if real_actor else ctx.source)[:200]
    rows = []
    for item in events:
        obj = item["obj"]
        rows.append(
            AuditEvent(
                actor=real_actor,
                actor_label=label,
                action=item["action"],
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                organization=item.get("organization"),
                old_values=_jsonable(item.get("old") or {}),
                new_values=_jsonable(item.get("new") or {}),
                ip_address=ctx.ip_address,
                source=ctx.source,
            )
        )
    AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
