"""The audit trail as a person reads it.

:func:`present` turns a page of :class:`~ctxh.core.models.AuditEvent` rows into
:class:`AuditRow` objects: the action as a phrase, field names as their labels, choice values
as their labels, dates in local time as dd/mm/yyyy HH:MM, the actor's name and organisation
("command line" / "system" when no person acted), identifiers as plain text (never "26.743"),
a link to the object when the user may see it, and any 12-digit run masked like a CCCD
(the services already mask it when they write; this is defence in depth).

Everything is looked up in batches — organisations' names in one query, the actors'
memberships in one, the linked objects in one per kind of object — so a page costs the
same number of queries whatever its length. Core imports no app above it: models are found
through ``apps.get_model``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit_actions
from .models import AuditEvent

_CCCD = re.compile(r"(?<!\d)(\d{3})\d{7}(\d{2})(?!\d)")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
EMPTY = "—"

# Keys that are not model fields (an import's summary, bulk loads).
_GENERIC_KEYS = {
    "kind": gettext_lazy("Kind"),
    "file": gettext_lazy("File"),
    "counts": gettext_lazy("Rows"),
    "new": gettext_lazy("new"),
    "updated": gettext_lazy("updated"),
    "unchanged": gettext_lazy("unchanged"),
    "rejected": gettext_lazy("rejected"),
    "count": gettext_lazy("Count"),
}


def mask_cccd(text: str) -> str:
    """``text`` with each run of exactly 12 digits shown as 079*******12."""
    return _CCCD.sub(lambda m: f"{m.group(1)}{'*' * 7}{m.group(2)}", text)


def local_datetime(value: dt.datetime) -> str:
    """dd/mm/yyyy HH:MM in the site's time zone."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")


@dataclass
class Change:
    """One field's value before and after, as text."""

    label: str
    old: str
    new: str
    had_old: bool


@dataclass
class AuditRow:
    """One audit event, readable."""

    event: AuditEvent
    when: str
    actor: str
    actor_organizations: str
    action: str
    object_kind: str
    object_label: str
    object_id: str
    object_url: str | None
    organization: str
    source: str
    ip_address: str
    changes: list[Change] = field(default_factory=list)

    def changes_text(self) -> str:
        """The changes on one line, for an export."""
        parts = []
        for change in self.changes:
            if change.had_old:
                parts.append(f"{change.label}: {change.old} → {change.new}")
            else:
                parts.append(f"{change.label}: {change.new}")
        return "; ".join(parts)


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def _fields(model: type[models.Model] | None, keys: Iterable[str] = ()) -> dict:
    """The model's concrete fields by name and by attname (``organization_id``), and the
    dotted ``keys`` that name a field of a related row (``facility.capacity``)."""
    if model is None:
        return {}
    found: dict[str, models.Field] = {}
    for f in model._meta.concrete_fields:
        found[f.name] = f
        found[f.attname] = f
    for key in keys:
        head, dot, rest = key.partition(".")
        if not dot or key in found:
            continue
        try:
            related = model._meta.get_field(head).related_model
        except FieldDoesNotExist:
            continue
        if related is not None:
            nested = _fields(related, [rest])
            if rest in nested:
                found[key] = nested[rest]
    return found


def _clean_ids(model: type[models.Model], values: Iterable) -> set:
    """The values that are valid primary keys of ``model`` (others are left unnamed)."""
    pk = model._meta.pk
    clean = set()
    for value in values:
        with contextlib.suppress(ValidationError, TypeError, ValueError):
            clean.add(pk.to_python(value))
    return clean


class _Lookups:
    """Names fetched in batches for one page: related objects shown in changed values."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set] = defaultdict(set)
        self.names: dict[type[models.Model], dict] = {}

    def want(self, model: type[models.Model], value) -> None:
        if value not in (None, ""):
            self.wanted[model].add(value)

    def load(self) -> None:
        for model, ids in self.wanted.items():
            clean = _clean_ids(model, ids)
            self.names[model] = {
                str(obj.pk): str(obj) for obj in model._default_manager.filter(pk__in=clean)
            }

    def name(self, model: type[models.Model], value) -> str | None:
        return self.names.get(model, {}).get(str(value))


def _plain(value) -> str:
    """A value of no known field, as text (numbers without separators: they may be ids)."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, str):
        if _ISO_DATETIME.match(value):
            try:
                return local_datetime(dt.datetime.fromisoformat(value))
            except ValueError:
                return mask_cccd(value)
        if _ISO_DATE.match(value):
            try:
                return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
            except ValueError:
                return value
        return mask_cccd(value)
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) or EMPTY
    if isinstance(value, dict):
        return ", ".join(f"{_key_label(None, k)}: {_plain(v)}" for k, v in value.items())
    return mask_cccd(str(value))


def _key_label(fields: dict[str, models.Field] | None, key: str) -> str:
    f = (fields or {}).get(key)
    if f is not None:
        return str(f.verbose_name)
    generic = _GENERIC_KEYS.get(key)
    if generic:
        return str(generic)
    return key.replace("_", " ")


def _value(f: models.Field | None, value, lookups: _Lookups) -> str:
    if f is None or value is None or value == "":
        return _plain(value)
    if f.is_relation and f.related_model is not None:
        if isinstance(value, list):
            names = [lookups.name(f.related_model, v) or str(v) for v in value]
            return ", ".join(names) or EMPTY
        return lookups.name(f.related_model, value) or str(value)
    if f.choices:
        choices = {str(k): v for k, v in f.flatchoices}
        if str(value) in choices:
            return str(choices[str(value)])
    if isinstance(f, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(f, models.DateTimeField) and isinstance(value, str):
        try:
            return local_datetime(dt.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(f, models.DateField) and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if (
        isinstance(f, models.IntegerField | models.DecimalField | models.FloatField)
        and not f.primary_key
        and isinstance(value, int | float | str)
    ):
        try:
            return number_format(value, force_grouping=True)
        except (TypeError, ValueError):
            return str(value)
    return _plain(value)


def _changes(event: AuditEvent, fields, lookups: _Lookups) -> list[Change]:
    old = event.old_values if isinstance(event.old_values, dict) else {}
    new = event.new_values if isinstance(event.new_values, dict) else {}
    result = []
    for key in list(new) + [k for k in old if k not in new]:
        f = fields.get(key)
        result.append(
            Change(
                label=_key_label(fields, key),
                old=_value(f, old.get(key), lookups),
                new=_value(f, new.get(key), lookups),
                had_old=key in old,
            )
        )
    return result


def _want_related(events, fields_by_type, lookups: _Lookups) -> None:
    for event in events:
        fields = fields_by_type[event.object_type]
        for values in (event.old_values, event.new_values):
            if not isinstance(values, dict):
                continue
            for key, value in values.items():
                f = fields.get(key)
                if f is not None and f.is_relation and f.related_model is not None:
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, int | str):
                            lookups.want(f.related_model, item)


def _links(events: list[AuditEvent], user) -> dict[tuple[str, str], str]:
    """URLs of the objects the user may see, one or two queries per kind of object."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_id and audit_actions.object_url_spec(event.object_type):
            by_type[event.object_type].add(event.object_id)
    links: dict[tuple[str, str], str] = {}
    for object_type, ids in by_type.items():
        model = _model(object_type)
        spec = audit_actions.object_url_spec(object_type)
        if model is None or spec is None:
            continue
        url_name, via = (spec, None) if isinstance(spec, str) else spec
        target = model if via is None else model._meta.get_field(via).related_model
        clean = _clean_ids(model, ids)
        if via is None:
            targets = {str(i): i for i in clean}
        else:
            attname = model._meta.get_field(via).attname
            targets = {
                str(k): v
                for k, v in model._default_manager.filter(pk__in=clean).values_list("pk", attname)
            }
        manager = target._default_manager
        if not hasattr(manager, "visible_to"):
            continue
        visible = set(
            manager.visible_to(user, "view")
            .filter(pk__in={v for v in targets.values() if v is not None})
            .values_list("pk", flat=True)
        )
        for object_id, target_id in targets.items():
            if target_id in visible:
                try:
                    links[(object_type, object_id)] = reverse(url_name, args=[target_id])
                except NoReverseMatch:
                    continue
    return links


def _organization_names(ids: Iterable[int]) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    try:
        model = apps.get_model("organizations", "Organization")
    except LookupError:
        return {}
    return dict(model._default_manager.filter(pk__in=ids).values_list("pk", "name"))


def _actor_organizations(user_ids: set[int]) -> dict[int, list[int]]:
    """Each actor's organisations (active memberships), in one query."""
    if not user_ids:
        return {}
    try:
        membership = apps.get_model("accounts", "Membership")
    except LookupError:
        return {}
    found: dict[int, list[int]] = defaultdict(list)
    rows = (
        membership._default_manager.filter(user_id__in=user_ids, active=True)
        .order_by("id")
        .values_list("user_id", "organization_id")
    )
    for user_id, org_id in rows:
        if org_id not in found[user_id]:
            found[user_id].append(org_id)
    return found


def actor_name(event: AuditEvent) -> str:
    """The person who acted, or "command line" / "system" when none did."""
    actor = event.actor if event.actor_id else None
    if actor is not None:
        full = getattr(actor, "full_name", "") or actor.get_full_name()
        username = actor.get_username()
        return f"{full} ({username})" if full and full != username else username
    if event.source == AuditEvent.Source.COMMAND:
        return _("command line")
    if event.source == AuditEvent.Source.JOB:
        return _("system")
    return event.actor_label or _("system")


def present(events: Iterable[AuditEvent], user) -> list[AuditRow]:
    """Readable rows for ``events`` (fetched with ``select_related("actor")``)."""
    events = list(events)
    dotted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        for values in (event.old_values, event.new_values):
            if isinstance(values, dict):
                dotted[event.object_type].update(k for k in values if "." in k)
    fields_by_type = {t: _fields(_model(t), dotted[t]) for t in {e.object_type for e in events}}
    lookups = _Lookups()
    _want_related(events, fields_by_type, lookups)
    lookups.load()
    actor_orgs = _actor_organizations({e.actor_id for e in events if e.actor_id})
    org_ids = {e.organization_id for e in events}
    for ids in actor_orgs.values():
        org_ids.update(ids)
    org_names = _organization_names(org_ids)
    links = _links(events, user)
    sources = dict(AuditEvent.Source.choices)
    rows = []
    for event in events:
        model = _model(event.object_type)
        rows.append(
            AuditRow(
                event=event,
                when=local_datetime(event.created_at),
                actor=actor_name(event),
                actor_organizations=", ".join(
                    org_names.get(i, "") for i in actor_orgs.get(event.actor_id, [])
                ),
                action=audit_actions.label(event.action, event.object_type),
                object_kind=str(model._meta.verbose_name) if model else "",
                object_label=mask_cccd(event.object_repr),
                object_id=str(event.object_id or ""),
                object_url=links.get((event.object_type, event.object_id)),
                organization=org_names.get(event.organization_id, ""),
                source=str(sources.get(event.source, event.source)),
                ip_address=event.ip_address or "",
                changes=_changes(event, fields_by_type[event.object_type], lookups),
            )
        )
    return rows
