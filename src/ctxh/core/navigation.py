"""Role-based navigation: each app registers menu entries with the permission they need.

An entry shows when the user has the action on the model anywhere (a non-empty scope),
so the menu is always the same question as the view's own 403 check.

The entry of the section a page belongs to is highlighted: the entry whose URL name, or one
of whose ``also`` URL names, is the page's own (the facilities map and the headcount form
belong to "Facilities", though their URLs sit under /organizations/); otherwise the entry
whose URL is the longest prefix of the page's path.
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
    #: URL names ("namespace:name") of other pages that belong to this entry's section.
    also: tuple[str, ...] = ()
    #: "" for the bar itself; "admin" for the "Administration" menu (accounts, imports,
    #: registers, the audit trail), so the bar stays one line on a laptop.
    menu: str = ""


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
        result.append(
            {
                "label": item.label,
                "url": reverse(item.url_name),
                "active": False,
                "names": {item.url_name, *item.also},
                "menu": item.menu,
            }
        )
    active = _section_of(request, result)
    if active is not None:
        active["active"] = True
    request._ctxh_nav = result
    return result


def _section_of(request, entries: list[dict]) -> dict | None:
    """The one entry to highlight (only the most specific: /organizations/facilities/ is
    "Facilities", not also "Organisations")."""
    match = getattr(request, "resolver_match", None)
    view_name = getattr(match, "view_name", None)
    if view_name:
        for entry in entries:
            if view_name in entry["names"]:
                return entry
    matching = [entry for entry in entries if request.path.startswith(entry["url"])]
    return max(matching, key=lambda entry: len(entry["url"])) if matching else None
