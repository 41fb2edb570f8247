"""The declarations of a workflow: :class:`Transition` and :class:`IllegalTransition`.

Import them from :mod:`ctxh.core.transitions`, which also holds the function that moves a
status. They live in this leaf module so that core's own models (``Job``) can declare their
table without an import cycle (``transitions`` needs the audit trail, which needs the models).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

Hook = Callable[[Any], None]


@dataclass(frozen=True)
class Transition:
    """One allowed move of a status, as declared in a model's ``TRANSITIONS`` table.

    ``action`` names the move (the audit action is ``"<model>.<action>"``, e.g.
    ``"placement.accept"``). ``permission`` says who may make it:

    * a string: the action of the role table on the same model (``"change"``, ``"decide"``),
      answered by ``scope_for(by, Model, permission).covers_object(obj)``;
    * a ``(Model, "action")`` pair: the same question on another model (a practicum round's
      permission deciding on its placements);
    * a callable ``(by, obj) -> bool`` for a rule the role table cannot express;
    * ``None``: only the system (``SYSTEM``: the job runner, a management command) may.

    ``validate(obj)`` may raise ``ValidationError`` for preconditions of this move beyond the
    model's own ``full_clean`` ("a placement needs a supervisor before it is accepted");
    ``on_commit`` hooks run with the object after the transaction commits (notifications).
    """

    action: str
    permission: str | tuple[type[models.Model], str] | Callable[[Any, Any], bool] | None = None
    label: str = ""
    validate: Callable[[Any], None] | None = None
    on_commit: tuple[Hook, ...] = ()


class IllegalTransition(ValidationError):
    """A move the model's table does not allow, or one made from a status that has changed
    meanwhile. A ``ValidationError``, so forms and views show its message as they show any."""
