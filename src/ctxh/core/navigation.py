"""Role-based navigation: each app registers menu entries with the permission they need.

An entry shows when the user has the action on the model anywhere (a non-empty scope),
so the menu is always the same question as the view's own 403 check.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from .scoping import scope_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    model: str  # "app_label.ModelName"
    action: str = "view"
    icon: str = ""
    order: int = 100


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if item not in _items:
        _items.append(item)


def navigation_for(request) -> list[dict]:
    cache = getattr(request, "_ctxh_nav", None)
    if cache is not None:
        return cache
    result = []
    for item in sorted(_items, key=lambda i: i.order):
        model = apps.get_model(item.model)
        if scope_for(request.user, model, item.action).empty:
            continue
        result.append({"label": item.label, "url": reverse(item.url_name), "active": False})
    # Only the most specific entry is active (/organizations/facilities/ is "Facilities",
    # not also "Organisations").
    matching = [entry for entry in result if request.path.startswith(entry["url"])]
    if matching:
        max(matching, key=lambda entry: len(entry["url"]))["active"] = True
    request._ctxh_nav = result
    return result
