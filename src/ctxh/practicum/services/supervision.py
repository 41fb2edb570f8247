"""Supervision sessions (kiểm huấn) and the school's liaison visits: recorded and edited.

The placement's field instructor records supervision (one student, or a group of their
students); the school's coordinator records liaison visits. The audit trail keeps the
session's ids, date, length, kind and the length of its topics and notes — never their
text, which only the people of :mod:`ctxh.practicum.selectors.supervision` read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for

from ..models import Placement, SupervisionSession
from ..selectors.supervision import group_choices, may_record

__all__ = ["session_record", "session_update"]

#: Sessions are recorded while the placement runs (and just after: the last session).
RECORDABLE = (*Placement.CURRENT, Placement.Status.COMPLETED)


def _trail(session: SupervisionSession, group_ids: list[int]) -> dict:
    """What the audit trail keeps of a session: no topic or note text."""
    return {
        "placement": session.placement_id,
        "kind": session.kind,
        "format": session.format,
        "date": session.date.isoformat() if session.date else None,
        "duration_minutes": session.duration_minutes,
        "group": sorted(group_ids),
        "topics_length": len(session.topics or ""),
        "notes_length": len(session.notes or ""),
    }


def _check(by, placement: Placement, kind: str, action: str) -> None:
    if not scope_for(by, SupervisionSession, action).covers_object(
        SupervisionSession(placement=placement)
    ) or not may_record(by, placement, kind):
        raise PermissionDenied(_("You may not record this session."))


def _group(placement: Placement, fmt: str, group: Iterable[Placement]) -> list[Placement]:
    chosen = list({p.pk: p for p in group}.values())
    if fmt == SupervisionSession.Format.INDIVIDUAL:
        return []
    allowed = set(group_choices(placement).values_list("pk", flat=True))
    if any(p.pk not in allowed for p in chosen):
        raise ValidationError(
            {"group": _("A group session gathers students of the same field instructor.")}
        )
    if not chosen:
        raise ValidationError({"group": _("Choose the other students of the group session.")})
    return chosen


def _validate(session: SupervisionSession) -> None:
    placement = session.placement
    if placement.status not in RECORDABLE:
        raise ValidationError(
            _("Sessions are recorded for an accepted, ongoing or completed placement.")
        )
    if session.date and session.date > timezone.localdate():
        raise ValidationError({"date": _("A session is recorded once it has taken place.")})
    round_ = placement.student.round
    if session.date and session.date < round_.starts_on - dt.timedelta(days=30):
        raise ValidationError({"date": _("The date is long before the round starts.")})
    session.full_clean(exclude=["recorded_by", "instructor"])


def session_record(
    *,
    placement: Placement,
    kind: str,
    date: dt.date,
    duration_minutes: int,
    topics: str,
    notes: str = "",
    format: str = SupervisionSession.Format.INDIVIDUAL,  # noqa: A002 (the domain's word)
    group: Iterable[Placement] = (),
    by,
) -> SupervisionSession:
    """Record a session of ``placement``: supervision by its field instructor (alone or
    with a ``group`` of the instructor's other students), or the school's liaison visit."""
    _check(by, placement, kind, "add")
    with transaction.atomic():
        session = SupervisionSession(
            placement=placement,
            kind=kind,
            format=format,
            date=date,
            duration_minutes=duration_minutes,
            topics=(topics or "").strip(),
            notes=(notes or "").strip(),
            instructor_id=placement.instructor_id,
            recorded_by=by if getattr(by, "pk", None) else None,
        )
        _validate(session)
        members = _group(placement, format, group)
        session.save()
        session.group.set(members)
        audit.record(
            actor=by,
            action="supervisionsession.create",
            obj=session,
            organization=placement.facility,
            new=_trail(session, [p.pk for p in members]),
        )
    return session


def session_update(
    *,
    session: SupervisionSession,
    by,
    group: Iterable[Placement] | None = None,
    **values,
) -> SupervisionSession:
    """Change a recorded session (date, duration_minutes, topics, notes, format, group);
    only who may record its kind for its placement may."""
    placement = session.placement
    _check(by, placement, session.kind, "change")
    allowed = {"date", "duration_minutes", "topics", "notes", "format"}
    unknown = set(values) - allowed
    if unknown:
        raise TypeError(f"session_update: unknown fields {sorted(unknown)}")
    with transaction.atomic():
        locked = SupervisionSession.objects.select_for_update().get(pk=session.pk)
        old = _trail(locked, list(locked.group.values_list("pk", flat=True)))
        for name, value in values.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        locked.placement = placement
        _validate(locked)
        members = _group(
            placement, locked.format, group if group is not None else locked.group.all()
        )
        locked.save()
        locked.group.set(members)
        new = _trail(locked, [p.pk for p in members])
        old, new = audit.diff(old, new)
        if new:
            audit.record(
                actor=by,
                action="supervisionsession.update",
                obj=locked,
                organization=placement.facility,
                old=old,
                new=new,
            )
    return locked
