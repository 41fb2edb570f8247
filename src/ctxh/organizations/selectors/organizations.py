"""Reads of the organisation list, shared by its page, its downloads and export job."""

from __future__ import annotations

from ctxh.core.searchtext import ranked_search

from ..models import Organization


def organization_list(*, user, query: str | None = None):
    """Organisations the user may see, with what the list shows loaded in the same query,
    in Vietnamese alphabetical order — or, with a ``query``, best matches first."""
    qs = (
        Organization.objects.visible_to(user, "view")
        .select_related("ward", "facility", "parent")
        .order_by("sort_key", "id")
    )
    return ranked_search(qs, query) if query else qs
