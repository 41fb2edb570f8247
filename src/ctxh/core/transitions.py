"""Workflows: a status field, its allowed moves in one table, and one function that moves it.

A model declares its statuses (``TextChoices``) and a table of allowed transitions::

    class Placement(models.Model):
        class Status(models.TextChoices): ...

        TRANSITIONS = {
            Status.PROPOSED: {
                Status.ACCEPTED: Transition("accept", permission="decide", label=_("Accept")),
                Status.DECLINED: Transition("decline", permission="decide", label=_("Decline")),
            },
            Status.ACCEPTED: {
                Status.WITHDRAWN: Transition("withdraw", permission="decide", label=_("Withdraw")),
            },
        }

and every move goes through :func:`transition`, inside the app's service::

    def placement_accept(*, placement, by):
        return transition(placement, to=Placement.Status.ACCEPTED, by=by,
                          on_commit=[lambda p: notify_student(p)])

:func:`transition` locks the row, re-reads its status (a concurrent move wins, the second is
refused), checks the actor's permission through the one scope question, validates, saves,
writes the audit event with the old and new status (and the reason), and registers the
``on_commit`` hooks. A move missing from the table is refused with :class:`IllegalTransition`
and nothing is written. The ideas come from django-fsm (transitions declared next to the
field, a "can proceed" question for the interface) and Wagtail's workflow tasks (each step
knows who may act), kept to one small module.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from . import audit
from .scoping import SYSTEM, _follow, _paths, scope_for
from .workflow import Hook, IllegalTransition, Transition

__all__ = [
    "IllegalTransition",
    "Transition",
    "available_transitions",
    "get_transition",
    "may_make",
    "status_field",
    "transition",
]


def status_field(model: type[models.Model]) -> str:
    """The name of the model's status field (``STATUS_FIELD``, default ``"status"``)."""
    return getattr(model, "STATUS_FIELD", "status")


def _label(model: type[models.Model], value) -> str:
    field = model._meta.get_field(status_field(model))
    return str(dict(field.flatchoices).get(value, value))


def get_transition(model: type[models.Model], source, target) -> Transition | None:
    """The declared move from ``source`` to ``target`` (None when the table has none)."""
    return model.TRANSITIONS.get(source, {}).get(target)


def may_make(by, obj: models.Model, move: Transition) -> bool:
    """Whether ``by`` may make ``move`` on ``obj`` (the permission part only)."""
    permission = move.permission
    if permission is None:
        return by is SYSTEM
    if callable(permission) and not isinstance(permission, tuple):
        return by is SYSTEM or bool(permission(by, obj))
    model, action = permission if isinstance(permission, tuple) else (type(obj), permission)
    if model is type(obj):
        return scope_for(by, model, action).covers_object(obj)
    # Another model's permission, asked of this object's organisation(s).
    scope = scope_for(by, model, action)
    return any(scope.covers(_follow(obj, path)) for path in _paths(type(obj)))


def available_transitions(obj: models.Model, by) -> list[tuple[Any, Transition]]:
    """The moves ``by`` may make on ``obj`` now, as ``(target status, Transition)`` pairs in
    the table's order: what a page shows as buttons. No validation is run here."""
    current = getattr(obj, status_field(type(obj)))
    return [
        (target, move)
        for target, move in type(obj).TRANSITIONS.get(current, {}).items()
        if may_make(by, obj, move)
    ]


def transition(
    obj: models.Model,
    *,
    to,
    by,
    reason: str = "",
    extra_updates: dict[str, Any] | None = None,
    on_commit: Iterable[Hook] = (),
    audit_values: dict[str, Any] | None = None,
) -> models.Model:
    """Move ``obj`` to the status ``to`` on behalf of ``by``; return ``obj``, updated.

    In one transaction (a savepoint inside the caller's): lock the row, check that its
    status is still the one ``obj`` shows (else the record changed meanwhile: refused), that
    the table allows the move (else :class:`IllegalTransition`) and that ``by`` may make it
    (else ``PermissionDenied``); set the status and ``extra_updates`` (other fields the move
    changes, such as ``finished_at``), run ``full_clean`` on those fields (and the model's
    ``clean()``) and the move's ``validate``, save
    those fields only, write the audit event ``"<model>.<action>"`` with the old and new
    status, the changed fields and ``reason``, and register the move's and the caller's
    ``on_commit`` hooks (each called with the updated object once the outermost
    transaction commits; never if it rolls back). ``audit_values`` adds values to the
    event's new values without storing them on the row (a count, a file name).
    """
    model = type(obj)
    field = status_field(model)
    seen = getattr(obj, field)
    extra_updates = dict(extra_updates or {})
    with transaction.atomic():
        locked = model._default_manager.select_for_update().get(pk=obj.pk)
        current = getattr(locked, field)
        if current != seen:
            raise IllegalTransition(
                _(
                    "“%(object)s” changed meanwhile: it is now “%(current)s”. "
                    "Reload the page and try again."
                )
                % {"object": locked, "current": _label(model, current)},
                code="stale",
            )
        move = get_transition(model, current, to)
        if move is None:
            raise IllegalTransition(
                _("“%(object)s” cannot go from “%(from)s” to “%(to)s”.")
                % {
                    "object": locked,
                    "from": _label(model, current),
                    "to": _label(model, to),
                },
                code="illegal",
            )
        if not may_make(by, locked, move):
            raise PermissionDenied(_("You may not make this change."))
        old = audit.snapshot(locked, [field, *extra_updates])
        for name, value in extra_updates.items():
            setattr(locked, name, value)
        setattr(locked, field, to)
        # Validate what the move changes, plus the model's clean() (cross-field rules);
        # fields it leaves alone are not re-checked (no query per foreign key).
        changed = {field, *extra_updates}
        locked.full_clean(
            exclude=[f.name for f in model._meta.fields if not {f.name, f.attname} & changed]
        )
        if move.validate is not None:
            move.validate(locked)
        locked.save(update_fields=[field, *extra_updates])
        new = audit.snapshot(locked, [field, *extra_updates])
        old, new = audit.diff(old, new)
        if reason:
            new["reason"] = reason
        new.update(audit_values or {})
        audit.record(
            actor=by,
            action=f"{model._meta.model_name}.{move.action}",
            obj=locked,
            # A row of several organisations is filed under the first (its owner).
            organization=_follow(locked, next(iter(_paths(model)), None)),
            old=old,
            new=new,
        )
        for hook in (*move.on_commit, *on_commit):
            transaction.on_commit(lambda hook=hook: hook(locked))
    for f in model._meta.concrete_fields:  # the caller's object now shows what was saved
        setattr(obj, f.attname, getattr(locked, f.attname))
    return obj
