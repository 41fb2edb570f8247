"""The roles of DOMAIN.md and the one table of what each may do, on what, where.

The table lives here, in the lowest layer, because every layer contributes rows to it:
each app registers its own models' rows from its ``AppConfig.ready()`` with
:func:`register`, so a new app never edits a central file, and the table is still read as
one (:func:`reach`, :func:`rows`; the page ``/accounts/roles/`` shows it). The accounts app
turns a user's memberships into a scope from it (``User.scope_for``).

``reach(model_label, action, role)`` is ``ALL`` (every row), ``ORG`` (its own
organisation's rows), ``WARD`` (its organisation and everything located in its
organisation's ward) or ``SELF`` (rows the user owns). A role absent from an action's
entry may not perform it at all (403).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_OFFICE = "programme_office", _("Programme office")
    WARD_OFFICER = "ward_officer", _("Ward officer")
    FACILITY_MANAGER = "facility_manager", _("Facility manager")
    FIELD_INSTRUCTOR = "field_instructor", _("Field instructor")
    SCHOOL_COORDINATOR = "school_coordinator", _("School coordinator")
    STUDENT = "student", _("Student")
    TRAINER = "trainer", _("Trainer / partner staff")
    VIEWER = "viewer", _("Viewer / auditor")


class Reach(models.TextChoices):
    ALL = "all", _("everything")
    ORG = "org", _("own organisation")
    WARD = "ward", _("own organisation and ward")
    SELF = "self", _("own records")


ALL, ORG, WARD, SELF = Reach.ALL.value, Reach.ORG.value, Reach.WARD.value, Reach.SELF.value

#: The names of the common actions, for the page that shows the table. An app that
#: introduces another action names it with ``register(..., labels={action: label})``.
ACTION_LABELS: dict[str, Promise | str] = {
    "view": _("view"),
    "add": _("add"),
    "change": _("change"),
    "view_sensitive": _("view personal data in full"),
    "statistics": _("see statistics"),
    "import": _("import from Excel"),
    "view_role_table": _("see the role table"),
}

PERMISSIONS: dict[str, dict[str, dict[str, str]]] = {}
"""``PERMISSIONS[model_label][action][role] → reach``; filled only through :func:`register`."""


def register(
    model_label: str,
    actions: Mapping[str, Mapping[str, str]],
    *,
    labels: Mapping[str, Promise | str] | None = None,
) -> None:
    """Add ``model_label``'s rows to the table: ``{action: {role: reach}}``.

    Refuses (``ImproperlyConfigured``, at start-up) a model that does not exist, a role or
    reach that is not one of :class:`Role` / :class:`Reach`, and an action already
    registered for the model with other rows. Registering the very same rows again is a
    no-op (``ready()`` may run twice).
    """
    label = model_label.lower()
    try:
        apps.get_model(label)
    except (LookupError, ValueError) as error:
        raise ImproperlyConfigured(f"Permission table: unknown model {model_label!r}") from error
    clean: dict[str, dict[str, str]] = {}
    for action, grants in actions.items():
        for role, kind in grants.items():
            if role not in Role.values:
                raise ImproperlyConfigured(
                    f"Permission table: unknown role {role!r} ({label}.{action})"
                )
            if kind not in Reach.values:
                raise ImproperlyConfigured(
                    f"Permission table: unknown reach {kind!r} ({label}.{action}, {role})"
                )
        clean[action] = {str(role): str(kind) for role, kind in grants.items()}
        known = PERMISSIONS.get(label, {}).get(action)
        if known is not None and known != clean[action]:
            raise ImproperlyConfigured(
                f"Permission table: {label}.{action} is already registered with other rows"
            )
    for action, grants in clean.items():
        PERMISSIONS.setdefault(label, {})[action] = grants
    for action, text in (labels or {}).items():
        ACTION_LABELS.setdefault(action, text)


def reach(model_label: str, action: str, role: str) -> str | None:
    """The reach of ``role`` for ``action`` on ``model_label`` (None: not allowed)."""
    return PERMISSIONS.get(model_label, {}).get(action, {}).get(role)


@dataclass(frozen=True)
class TableRow:
    """One line of the table as a page shows it: a model, an action, each role's reach."""

    model_label: str
    model_name: str
    action: str
    action_name: str
    reaches: tuple[str | None, ...]  # in the order of ``Role``


def rows() -> Iterator[TableRow]:
    """The whole table, model by model (by verbose name), one line per action."""
    lines = []
    for label, actions in PERMISSIONS.items():
        name = str(apps.get_model(label)._meta.verbose_name_plural)
        for action, grants in actions.items():
            lines.append(
                TableRow(
                    model_label=label,
                    model_name=name[:1].upper() + name[1:],
                    action=action,
                    action_name=str(ACTION_LABELS.get(action, action)),
                    reaches=tuple(grants.get(role) for role in Role.values),
                )
            )
    return iter(
        sorted(
            lines, key=lambda r: (r.model_name, list(PERMISSIONS[r.model_label]).index(r.action))
        )
    )
