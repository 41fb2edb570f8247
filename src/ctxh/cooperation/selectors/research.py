"""Reads of research projects and good practices, including the public facts the portal
shows (:func:`published_research`, :func:`published_practices`).

The public functions return frozen dataclasses holding public facts only: titles, levels,
organisations' names, periods, results, a contact unit or role. No person, no file, no
internal status notes. Each runs a constant number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from ctxh.core.searchtext import filter_search
from ctxh.organizations.models import Organization

from ..models import GoodPractice, ResearchProject


@dataclass(frozen=True)
class PublicResearch:
    """A published research project as the public portal may show it."""

    pk: int
    title: str
    level: str  # "city" / "national"
    level_label: str
    lead: str
    partners: tuple[str, ...]
    starts_on: dt.date
    ends_on: dt.date | None
    status_label: str
    summary: str
    results: str


@dataclass(frozen=True)
class PublicPractice:
    """A published good practice as the public portal may show it."""

    pk: int
    title: str
    area: str
    organization: str
    problem: str
    where_applied: str
    results: str
    contact: str  # "<organisation> — <unit or role>", never a person's phone
    applied_at: tuple[str, ...]


_names = Prefetch("partners", queryset=Organization.objects.only("id", "name").order_by("sort_key"))


def published_research(*, q: str = "", level: str | None = None) -> list[PublicResearch]:
    """The published research projects, newest first (search ``q`` accent-insensitive,
    ``level`` "city" or "national"); two queries."""
    qs = (
        ResearchProject.objects.filter(published=True)
        .select_related("lead")
        .prefetch_related(_names)
        .order_by("-starts_on", "pk")
    )
    if level:
        qs = qs.filter(level=level)
    qs = filter_search(qs, q)
    return [
        PublicResearch(
            pk=p.pk,
            title=p.title,
            level=p.level,
            level_label=str(p.get_level_display()),
            lead=p.lead.name,
            partners=tuple(o.name for o in p.partners.all()),
            starts_on=p.starts_on,
            ends_on=p.ends_on,
            status_label=str(p.get_status_display()),
            summary=p.summary,
            results=p.results,
        )
        for p in qs
    ]


def published_practices(*, q: str = "") -> list[PublicPractice]:
    """The published good practices by title (search ``q`` accent-insensitive); two
    queries."""
    qs = (
        GoodPractice.objects.filter(published=True)
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "applied_at", queryset=Organization.objects.only("id", "name").order_by("sort_key")
            )
        )
        .order_by("title", "pk")
    )
    qs = filter_search(qs, q)
    return [
        PublicPractice(
            pk=p.pk,
            title=p.title,
            area=p.area,
            organization=p.organization.name,
            problem=p.problem,
            where_applied=p.where_applied,
            results=p.results,
            contact=f"{p.organization.name} — {p.contact_role}",
            applied_at=tuple(o.name for o in p.applied_at.all()),
        )
        for p in qs
    ]
