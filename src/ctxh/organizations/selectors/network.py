"""Reads of the service network: facilities with their latest headcount, residents' totals
as of a date, a facility's headcount history and the map markers.

Every read goes through ``visible_to``: the programme office reads the city, a ward officer
its ward, a facility manager its facility. Re-exported from :mod:`ctxh.organizations.selectors`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.urls import reverse
from django.utils import timezone

from ctxh.core.permissions import can
from ctxh.core.scoping import scope_for

from ..models import Organization, ResidentCount, TargetGroup


def _latest_rows(*, user, as_of: dt.date) -> QuerySet:
    """The figures in force of each visible facility's latest period on or before ``as_of``."""
    latest = (
        ResidentCount.objects.filter(facility=OuterRef("facility"), period_end__lte=as_of)
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    return (
        ResidentCount.objects.visible_to(user, "view")
        .current()
        .filter(period_end__lte=as_of, period_end=Subquery(latest))
    )


def city_residents_total(as_of: dt.date, user) -> int:
    """People cared for in the facilities ``user`` may see, as of ``as_of``: for each
    facility the figures of its latest reported period on or before that date."""
    return _latest_rows(user=user, as_of=as_of).aggregate(total=Sum("count"))["total"] or 0


def city_residents_by_group(as_of: dt.date, user) -> list[tuple[TargetGroup, int]]:
    """:func:`city_residents_total` broken down by target group (groups with people only)."""
    sums = dict(
        _latest_rows(user=user, as_of=as_of)
        .order_by()
        .values_list("target_group")
        .annotate(total=Sum("count"))
    )
    groups = TargetGroup.objects.filter(pk__in=sums).order_by("order", "code")
    return [(g, sums[g.pk]) for g in groups]


@dataclass
class ResidentTotals:
    """The residents' header of the facilities page."""

    as_of: dt.date
    total: int
    by_group: list[tuple[TargetGroup, int]]
    facilities_reporting: int
    whole_city: bool


def residents_totals(*, user, as_of: dt.date) -> ResidentTotals:
    """Total, breakdown and number of reporting facilities, in three queries."""
    rows = _latest_rows(user=user, as_of=as_of)
    reporting = rows.order_by().values("facility").distinct().count()
    return ResidentTotals(
        as_of=as_of,
        total=city_residents_total(as_of, user),
        by_group=city_residents_by_group(as_of, user),
        facilities_reporting=reporting,
        whole_city=scope_for(user, ResidentCount, "view").everything,
    )


def facility_list(*, user, as_of: dt.date | None = None) -> QuerySet:
    """Facilities ``user`` may see, each annotated with ``latest_period`` and
    ``latest_residents`` (its figures as of ``as_of``, if the user may read them), with
    ward, profile and target groups loaded in a constant number of queries."""
    as_of = as_of or timezone.localdate()
    qs = (
        Organization.objects.visible_to(user, "view")
        .facilities()
        .select_related("ward", "facility")
        .prefetch_related(
            Prefetch("facility__target_groups", queryset=TargetGroup.objects.order_by("order"))
        )
    )
    if not can(user, ResidentCount, "view"):
        return qs.annotate(
            latest_period=Value(None, output_field=ResidentCount._meta.get_field("period_end")),
            latest_residents=Value(None, output_field=IntegerField()),
        )
    counts = ResidentCount.objects.visible_to(user, "view")
    latest_period = (
        counts.filter(facility=OuterRef("pk"), period_end__lte=as_of)
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    residents = (
        counts.current()
        .filter(facility=OuterRef("pk"), period_end=OuterRef("latest_period"))
        .order_by()
        .values("facility")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return qs.annotate(latest_period=Subquery(latest_period)).annotate(
        latest_residents=Subquery(residents, output_field=IntegerField())
    )


def social_work_share(*, user) -> tuple[int, int]:
    """(active facilities the user may see, how many of them provide social-work
    services): the Decision 112 indicator (target ≥50 % by 2025, ≥60 % by 2030)."""
    counts = (
        Organization.objects.visible_to(user, "view")
        .facilities()
        .active()
        .aggregate(
            total=Count("id"),
            providing=Count("id", filter=Q(facility__provides_social_work_services=True)),
        )
    )
    return counts["total"], counts["providing"]


@dataclass
class HeadcountPeriod:
    """One reported period of a facility: the figures in force and the corrections."""

    period_end: dt.date
    counts: dict[int, int] = field(default_factory=dict)  # target group id → people
    total: int = 0
    recorded_at: dt.datetime | None = None
    recorded_by: str = ""
    note: str = ""
    corrections: list[ResidentCount] = field(default_factory=list)

    def cells(self, groups: list[TargetGroup]) -> list[int | None]:
        return [self.counts.get(g.pk) for g in groups]


@dataclass
class HeadcountHistory:
    groups: list[TargetGroup]
    periods: list[HeadcountPeriod]
    more: bool = False


def facility_headcount_history(*, user, facility: Organization, limit: int = 24):
    """The latest ``limit`` periods a facility reported, newest first, with every
    superseded figure kept beside the one in force. None if the user may not read them."""
    if not can(user, ResidentCount, "view"):
        return None
    rows = ResidentCount.objects.visible_to(user, "view").filter(facility=facility)
    periods = list(
        rows.order_by("-period_end").values_list("period_end", flat=True).distinct()[: limit + 1]
    )
    more = len(periods) > limit
    periods = periods[:limit]
    if not periods:
        return HeadcountHistory(groups=[], periods=[])
    by_period: dict[dt.date, HeadcountPeriod] = {p: HeadcountPeriod(period_end=p) for p in periods}
    group_ids: set[int] = set()
    for row in (
        rows.filter(period_end__in=periods)
        .select_related("target_group", "recorded_by", "superseded_by")
        .order_by("-period_end", "target_group__order", "-recorded_at", "-id")
    ):
        period = by_period[row.period_end]
        if _is_superseded(row):
            period.corrections.append(row)
            continue
        group_ids.add(row.target_group_id)
        period.counts[row.target_group_id] = row.count
        period.total += row.count
        if period.recorded_at is None or row.recorded_at > period.recorded_at:
            period.recorded_at = row.recorded_at
            period.recorded_by = str(row.recorded_by) if row.recorded_by else ""
            period.note = row.note
    groups = list(TargetGroup.objects.filter(pk__in=group_ids).order_by("order", "code"))
    return HeadcountHistory(groups=groups, periods=[by_period[p] for p in periods], more=more)


def _is_superseded(row: ResidentCount) -> bool:
    try:
        row.superseded_by  # noqa: B018 - reverse one-to-one raises when absent
    except ResidentCount.DoesNotExist:
        return False
    return True


def latest_counts(*, user, facility: Organization) -> tuple[dt.date | None, dict[int, int]]:
    """The figures in force of the facility's latest period (to prefill the form), as far
    as ``user`` may read them (nothing otherwise)."""
    visible = ResidentCount.objects.visible_to(user, "view")
    latest = (
        visible.filter(facility=facility)
        .order_by("-period_end")
        .values_list("period_end", flat=True)
        .first()
    )
    if latest is None:
        return None, {}
    rows = visible.current().filter(facility=facility, period_end=latest)
    return latest, dict(rows.values_list("target_group_id", "count"))


def map_markers(facilities: QuerySet) -> dict:
    """Markers for the facilities of ``facilities`` (already scoped and filtered, from
    :func:`facility_list`); those without coordinates are counted, not placed."""
    markers, missing = [], 0
    for org in facilities:
        profile = getattr(org, "facility", None)
        if profile is None or profile.latitude is None or profile.longitude is None:
            missing += 1
            continue
        markers.append(
            {
                "id": org.pk,
                "code": org.code,
                "name": org.name,
                "kind": org.get_kind_display(),
                "ownership": org.ownership,
                "ward": org.ward.name if org.ward_id else "",
                "lat": float(profile.latitude),
                "lng": float(profile.longitude),
                "capacity": profile.capacity,
                "residents": org.latest_residents,
                "social_work": profile.provides_social_work_services,
                "url": reverse("organizations:detail", args=[org.pk]),
            }
        )
    return {"facilities": markers, "count": len(markers), "missing": missing}
