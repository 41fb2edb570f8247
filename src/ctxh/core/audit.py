"""Writing the audit trail. Services call :func:`record` themselves, inside their transaction.

The request's IP address and the source (web, command, job) come from a context set by the
middleware, by management commands (:func:`audit_context`) and by the job runner, so a
change made from the command line is audited just like one made on a page.

The public API: :func:`record` (one event), :func:`record_update` (one event with the old
and new values of what changed, or none), :func:`record_many` (many events in one bulk
insert, for imports), :func:`snapshot` and :func:`diff`. Personal data never reaches the
trail in clear: an app declares which keys are personal (:func:`mask_field`, e.g. the
workforce's ``cccd``), and every value under such a key is masked before it is written, by
all three writers and by :func:`snapshot` — there is no path around it.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import decimal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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


#: Keys whose values are personal data, with the function that masks one value.
_MASKED: dict[str, Callable[[Any], str]] = {}
#: Never part of an update's old/new values: they change on every save.
NOT_AUDITED = frozenset({"created_at", "updated_at", "search_text"})


def mask_field(name: str, mask: Callable[[Any], str]) -> None:
    """Declare that a value under the key ``name`` (a field name) is personal data: the
    audit trail stores ``mask(value)`` instead, in old and new values, at any depth.
    Called by the app that owns the data, from its ``AppConfig.ready()``."""
    _MASKED[name] = mask


def _masked(name: str, value):
    if value in (None, "") or name not in _MASKED:
        return value
    return _MASKED[name](value)


def _jsonable(value):
    """``value`` as JSON data, personal data masked (what is written to the trail)."""
    return _plain(value, mask=True)


def _plain(value, mask: bool = False):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v, mask) for v in value]
    if isinstance(value, models.QuerySet):
        return sorted(value.values_list("pk", flat=True))
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        plain = {str(k): _plain(v, mask) for k, v in value.items()}
        return {k: _masked(k, v) for k, v in plain.items()} if mask else plain
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """The concrete field values of ``obj`` as JSON-friendly data (for old/new values),
    personal data masked (see :func:`mask_field`)."""
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.name != "search_text"]
    return _jsonable({name: getattr(obj, name) for name in names})


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
    event = _event(
        actor=actor,
        action=action,
        obj=obj,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        organization=organization,
        old=old,
        new=new,
    )
    event.save()
    return event


def _event(
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
    """An unsaved event with the context's source and IP address, values masked."""
    ctx = _context.get()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id if object_id is not None else obj.pk
        object_repr = object_repr or str(obj)
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=real_actor,
        actor_label=(real_actor.get_username() if real_actor else ctx.source)[:200],
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        object_repr=(object_repr or "")[:300],
        organization_id=getattr(organization, "pk", organization),
        old_values=_jsonable(old or {}),
        new_values=_jsonable(new or {}),
        ip_address=ctx.ip_address,
        source=ctx.source,
    )


class Tracking:
    """What :func:`tracking` yields: set ``organization`` inside the block if it is only
    known after the change; ``event`` is the written event (None: nothing changed)."""

    def __init__(self, obj: models.Model, organization) -> None:
        self.obj = obj
        self.organization = organization
        self.event: AuditEvent | None = None


@contextlib.contextmanager
def tracking(
    obj: models.Model, *, actor, action: str, organization=None, fields=None
) -> Iterator[Tracking]:
    """The one way to audit a change of ``obj``: take its values, let the block change and
    save it, then write ONE event with the old and new values of what changed only (not the
    timestamps); nothing is written when nothing changed or the block raised. An unsaved
    ``obj`` counts as new (old values empty). The values are compared in clear and written
    masked, so a changed citizen ID is recorded as changed without being shown.

    ::

        with audit.tracking(person, actor=by, action="person.update") as change:
            person.phone = "0909…"
            person.save()
            change.organization = person.current_organization
    """
    before = {} if obj.pk is None else _values(obj, fields)
    change = Tracking(obj, organization)
    yield change
    old, new = diff(before, _values(obj, fields))
    for name in NOT_AUDITED:
        old.pop(name, None)
        new.pop(name, None)
    if new:
        change.event = record(
            actor=actor,
            action=action,
            obj=obj,
            organization=change.organization,
            old=old,
            new=new,
        )


def _values(obj: models.Model, fields=None) -> dict:
    """The JSON-friendly field values of ``obj`` in clear (compared, never written)."""
    names = fields or [f.attname for f in obj._meta.concrete_fields if f.name != "search_text"]
    return {name: _plain(getattr(obj, name)) for name in names}


def record_many(*, actor, events: list[dict[str, Any]], batch_size: int = 1000) -> int:
    """Write many events in one bulk insert (an import's one event per changed record),
    exactly as :func:`record` would write each. Each item has ``action`` and ``obj`` and
    optionally ``organization``, ``old`` and ``new``. Returns how many were written."""
    rows = [
        _event(
            actor=actor,
            action=item["action"],
            obj=item["obj"],
            organization=item.get("organization"),
            old=item.get("old"),
            new=item.get("new"),
        )
        for item in events
    ]
    AuditEvent.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
