"""Extension panels: a page of a lower layer shows sections that higher apps provide.

The organisation detail page (organizations) must not import workforce, training or
practicum, which sit above it; those apps register a panel for a named slot instead, in
their ``AppConfig.ready()``::

    from ctxh.core import panels

    panels.register(
        "organization_detail",
        panels.Panel(
            key="staff",
            title=_("Staff"),
            template="workforce/_organization_staff.html",
            context=staff_panel_context,  # (request, organization) -> dict | None
            order=10,
        ),
    )

``context`` returns the template's context, or None to leave the panel out (no
permission, not a facility…). The page renders ``panels.render(slot, request, obj)``;
``column`` is the grid class of the panel's box (full width unless said otherwise).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

_registry: dict[str, list[Panel]] = {}


@dataclass(frozen=True)
class Panel:
    """A section a higher app contributes to a page of a lower one."""

    key: str
    title: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100
    column: str = "col-12"


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    title: str
    html: SafeString
    column: str = "col-12"


def register(slot: str, panel: Panel) -> None:
    """Add ``panel`` to ``slot`` (registering the same key again replaces it)."""
    panels = [p for p in _registry.get(slot, []) if p.key != panel.key]
    panels.append(panel)
    _registry[slot] = sorted(panels, key=lambda p: (p.order, p.key))


def unregister(slot: str, key: str) -> None:
    _registry[slot] = [p for p in _registry.get(slot, []) if p.key != key]


def registered(slot: str) -> list[Panel]:
    return list(_registry.get(slot, []))


def render(slot: str, request, obj) -> list[RenderedPanel]:
    """The panels of ``slot`` that have something to show for ``obj``, in order."""
    result = []
    for panel in _registry.get(slot, []):
        context = panel.context(request, obj)
        if context is None:
            continue
        html = render_to_string(panel.template, {"object": obj, **context}, request=request)
        result.append(
            RenderedPanel(key=panel.key, title=str(panel.title), html=html, column=panel.column)
        )
    return result


# --- To-dos of the home page ----------------------------------------------------------
# Each app says what waits for the signed-in user (a review, a correction, a report due):
# a function (request, user) -> list of {"label": …, "url": …}, registered in its ready().

_todo_providers: dict[str, Callable[[Any, Any], list[dict]]] = {}


def register_todos(key: str, provider: Callable[[Any, Any], list[dict]]) -> None:
    """Add (or replace) the to-dos an app contributes to the home page."""
    _todo_providers[key] = provider


def todos(request, user) -> list[dict]:
    """Everything waiting for ``user``, in the order the apps registered."""
    result: list[dict] = []
    for provider in _todo_providers.values():
        result.extend(provider(request, user) or [])
    return result
