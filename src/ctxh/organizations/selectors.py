"""Reads shared by the organisation pages, exports and (later) the API."""

from __future__ import annotations

from ctxh.core.searchtext import ranked_search

from .models import Organization


def organization_list(*, user, query: str | None = None):
    """Organisations the user may see, with what the list shows loaded in the same query,
    in Vietnamese alphabetical order — or, with a ``query``, best matches first."""
    qs = (
        Organization.objects.visible_to(user, "view")
        .select_related("ward", "facility", "parent")
        .order_by("sort_key", "id")
    )
    return ranked_search(qs, query) if query else qs


# The service network's reads live in their own module (split by sub-domain).
from .network_selectors import (  # noqa: E402, F401
    city_residents_by_group,
    city_residents_total,
    facility_headcount_history,
    facility_list,
    residents_totals,
)
