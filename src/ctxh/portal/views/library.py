"""``/public/practices/`` and ``/public/research/``: the library of good models and
practices and the published research results (public facts only, cached briefly)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from ctxh.cooperation.models.research import Level
from ctxh.cooperation.selectors.research import published_practices, published_research

from ..selectors import cached

PER_PAGE = 20


def _q(request) -> str:
    return " ".join((request.GET.get("q") or "").split())[:100]


def _all_practices():
    return cached("practices", (), published_practices)


def _all_research():
    return cached("research", (), published_research)


@require_GET
def practices(request):
    """The good models and practices (search accent-insensitive), 20 a page."""
    q = _q(request)
    found = cached("practices", (q,), lambda: published_practices(q=q)) if q else _all_practices()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/practices.html",
        {
            "page": Paginator(found, PER_PAGE).get_page(request.GET.get("page")),
            "count": len(found),
            "q": q,
            "query": query.urlencode(),
        },
    )


@require_GET
def practice(request, pk: int):
    found = next((p for p in _all_practices() if p.pk == pk), None)
    if found is None:
        raise Http404
    return render(request, "portal/practice.html", {"practice": found})


@require_GET
def research(request):
    """The published research projects (search; level city or national), 20 a page."""
    q = _q(request)
    level = request.GET.get("level") or ""
    if level not in Level.values:
        level = ""
    if q or level:
        found = cached("research", (q, level), lambda: published_research(q=q, level=level or None))
    else:
        found = _all_research()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/research.html",
        {
            "page": Paginator(found, PER_PAGE).get_page(request.GET.get("page")),
            "count": len(found),
            "q": q,
            "level": level,
            "levels": Level.choices,
            "query": query.urlencode(),
        },
    )


@require_GET
def research_detail(request, pk: int):
    found = next((p for p in _all_research() if p.pk == pk), None)
    if found is None:
        raise Http404
    return render(request, "portal/research_detail.html", {"project": found})


urlpatterns = [
    path("practices/", practices, name="practices"),
    path("practices/<int:pk>/", practice, name="practice"),
    path("research/", research, name="research"),
    path("research/<int:pk>/", research_detail, name="research_detail"),
]
