"""Reads of the practice network: the sites a user browses, with their instructors and
seats, and the markers of the map."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from ctxh.core.searchtext import search_q
from ctxh.workforce.models import FieldInstructor

from ..models import Offer, PlacementPeriod, PracticeSite

#: At most this many sites are drawn on the map (the list below it pages through all).
MAP_LIMIT = 2000


def current_period(user) -> PlacementPeriod | None:
    """The period the pages show by default: the latest one not closed, else the latest."""
    periods = PlacementPeriod.objects.visible_to(user).order_by("-starts_on", "-id")
    return periods.exclude(status=PlacementPeriod.Status.CLOSED).first() or periods.first()


def _instructors():
    """Active field instructors employed at the site's facility (workforce registry)."""
    return Subquery(
        FieldInstructor.objects.filter(
            active=True, person__current_organization=OuterRef("facility_id")
        )
        .order_by()
        .values("person__current_organization")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def _seats(period):
    """Seats the facility's published offers give in ``period``."""
    if period is None:
        return Value(0, output_field=IntegerField())
    return Subquery(
        Offer.objects.filter(
            period=period, facility=OuterRef("facility_id"), status=Offer.Status.PUBLISHED
        )
        .order_by()
        .values("facility")
        .annotate(n=Sum("seats"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def site_list(
    *,
    user,
    period: PlacementPeriod | None = None,
    practice_type: str = "",
    level: str = "",
    target_group=None,
    ward=None,
    q: str = "",
    active_only: bool = True,
):
    """The practice sites ``user`` sees, filtered, with ``instructor_count`` and
    ``seat_count`` (seats offered in ``period``), in the facilities' name order."""
    sites = PracticeSite.objects.visible_to(user).select_related("facility", "facility__ward")
    if active_only:
        sites = sites.filter(active=True, facility__active=True)
    if practice_type:
        # JSON lists of codes: matched as quoted text (works on SQLite and PostgreSQL).
        sites = sites.filter(practice_types__icontains=f'"{practice_type}"')
    if level:
        sites = sites.filter(levels__icontains=f'"{level}"')
    if target_group:
        sites = sites.filter(target_groups=target_group)
    if ward:
        sites = sites.filter(facility__ward=ward)
    if q:
        sites = sites.filter(search_q(q, "facility__search_text"))
    return sites.annotate(
        instructor_count=Coalesce(_instructors(), 0),
        seat_count=Coalesce(_seats(period), 0),
    ).order_by("facility__sort_key", "facility_id")


def map_markers(sites) -> list[dict]:
    """The sites of ``sites`` that have coordinates, as plain data for the map script."""
    rows = (
        sites.exclude(latitude=None)
        .exclude(longitude=None)
        .values(
            "facility_id",
            "facility__name",
            "address",
            "latitude",
            "longitude",
            "instructor_count",
            "seat_count",
        )[:MAP_LIMIT]
    )
    return [
        {
            "id": r["facility_id"],
            "name": r["facility__name"],
            "address": r["address"],
            "lat": float(r["latitude"]),
            "lng": float(r["longitude"]),
            "instructors": r["instructor_count"],
            "seats": r["seat_count"],
        }
        for r in rows
    ]


def site_instructors(facility):
    """The active field instructors employed at ``facility`` (for the site's page)."""
    return (
        FieldInstructor.objects.filter(active=True, person__current_organization=facility)
        .select_related("person")
        .order_by("person__sort_key", "pk")
    )
