"""``/public/facilities/``: the directory and map of the facilities that provide
social-work services — public facts only (see :mod:`ctxh.portal.selectors.facilities`)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from ..forms import FacilityFilterForm
from ..selectors import (
    FacilityFilters,
    cached,
    facility_choices,
    public_facilities,
    public_facility,
)

PER_PAGE = 20


def _marker(f) -> dict:
    return {
        "id": f.pk,
        "name": f.name,
        "kind": f.kind_label,
        "ward": f.ward,
        "address": f.address,
        "lat": f.lat,
        "lng": f.lng,
        "url": reverse("portal:facility", args=[f.pk]),
    }


def _map_context(markers: list[dict]) -> dict:
    return {
        "markers": markers,
        "tile_url": settings.CTXH_MAP_TILE_URL,
        "tile_attribution": settings.CTXH_MAP_TILE_ATTRIBUTION,
    }


@require_GET
def facilities(request):
    """The directory (search accent-insensitive; filters by ward, target group, service;
    pages of 20) with every matching facility on the map beside it."""
    choices = cached("facility-choices", (), facility_choices)
    form = FacilityFilterForm(request.GET or None, choices=choices)
    data = form.cleaned_data if form.is_valid() else {}
    filters = FacilityFilters(
        q=" ".join((data.get("q") or "").split()),
        ward=data.get("ward") or "",
        group=data.get("group") or "",
        service=data.get("service") or "",
    )
    found = cached("facilities", (filters,), lambda: public_facilities(filters))
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/facilities.html",
        {
            "form": form,
            "page": page,
            "count": len(found),
            "query": query.urlencode(),
            "filtered": any((filters.q, filters.ward, filters.group, filters.service)),
            **_map_context([_marker(f) for f in found if f.located]),
            "unlocated": sum(1 for f in found if not f.located),
        },
    )


@require_GET
def facility(request, pk: int):
    """One facility's public facts, with its place on the map."""
    found = cached("facility", (pk,), lambda: public_facility(pk))
    if found is None:
        raise Http404
    return render(
        request,
        "portal/facility.html",
        {"facility": found, **_map_context([_marker(found)] if found.located else [])},
    )


urlpatterns = [
    path("facilities/", facilities, name="facilities"),
    path("facilities/<int:pk>/", facility, name="facility"),
]
