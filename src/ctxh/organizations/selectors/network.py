"""Reads of the service network: facilities with their latest headcount, residents' totals
as of a date, a facility's headcount history and the map markers.

Every read goes through ``visible_to``: the programme office reads the city, a ward officer
its ward, a facility manager its facility. Totals count the accepted figures in force
(``ResidentCount.objects.in_force()``); figures awaiting review are counted apart, as
provisional. Schools, students, trainers and field instructors see every facility's
public facts (the facility profile's ``view`` row), not its figures.
Re-exported from :mod:`ctxh.organizations.selectors`.
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

from ..models import FacilityProfile, Organization, ResidentCount, TargetGroup


def network_facilities(user) -> QuerySet:
    """The facilities ``user`` may see: those of its organisations' scope, and every
    facility whose public facts (the profile) the user may read — the whole network for
    schools, students, trainers and field instructors."""
    facilities = Organization.objects.facilities()
    if scope_for(user, Organization, "view").everything:
        return facilities
    if scope_for(user, FacilityProfile, "view").everything:
        return facilities
    return facilities.filter(
        Q(pk__in=Organization.objects.visible_to(user, "view").values("pk"))
        | Q(pk__in=FacilityProfile.objects.visible_to(user, "view").values("organization_id"))
    )


def _latest_rows(*, user, as_of: dt.date) -> QuerySet:
    """The accepted figures in force of each visible facility's latest period (with
    accepted figures) on or before ``as_of``."""
    latest = (
        ResidentCount.objects.in_force()
        .filter(facility=OuterRef("facility"), period_end__lte=as_of)
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    return (
        ResidentCount.objects.visible_to(user, "view")
        .in_force()
        .filter(period_end__lte=as_of, period_end=Subquery(latest))
    )


@dataclass(frozen=True)
class Provisional:
    """Figures awaiting the programme office's review: people, entries, facilities."""

    people: int = 0
    entries: int = 0
    facilities: int = 0


def provisional_residents(*, user, as_of: dt.date) -> Provisional:
    """What the visible facilities reported on or before ``as_of`` that still awaits
    review: shown beside the accepted totals, never added into them."""
    counts = (
        ResidentCount.objects.visible_to(user, "view")
        .awaiting_review()
        .filter(period_end__lte=as_of)
        .aggregate(
            people=Sum("count"),
            entries=Count("id"),
            facilities=Count("facility", distinct=True),
        )
    )
    return Provisional(
        people=counts["people"] or 0,
        entries=counts["entries"],
        facilities=counts["facilities"],
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
    provisional: Provisional = field(default_factory=Provisional)


def residents_totals(*, user, as_of: dt.date) -> ResidentTotals:
    """Accepted total, breakdown and number of reporting facilities, and apart from them
    the provisional figures awaiting review, in four queries."""
    rows = _latest_rows(user=user, as_of=as_of)
    reporting = rows.order_by().values("facility").distinct().count()
    return ResidentTotals(
        as_of=as_of,
        total=city_residents_total(as_of, user),
        by_group=city_residents_by_group(as_of, user),
        facilities_reporting=reporting,
        whole_city=scope_for(user, ResidentCount, "view").everything,
        provisional=provisional_residents(user=user, as_of=as_of),
    )


def facility_list(*, user, as_of: dt.date | None = None) -> QuerySet:
    """Facilities ``user`` may see, each annotated with ``latest_period`` and
    ``latest_residents`` (its accepted figures as of ``as_of``) and ``awaiting_review``
    (its figures awaiting review), if the user may read them, with ward, profile and
    target groups loaded in a constant number of queries."""
    as_of = as_of or timezone.localdate()
    qs = (
        network_facilities(user)
        .select_related("ward", "facility")
        .prefetch_related(
            Prefetch("facility__target_groups", queryset=TargetGroup.objects.order_by("order"))
        )
    )
    if not can(user, ResidentCount, "view"):
        return qs.annotate(
            latest_period=Value(None, output_field=ResidentCount._meta.get_field("period_end")),
            latest_residents=Value(None, output_field=IntegerField()),
            awaiting_review=Value(None, output_field=IntegerField()),
        )
    counts = ResidentCount.objects.visible_to(user, "view")
    latest_period = (
        counts.in_force()
        .filter(facility=OuterRef("pk"), period_end__lte=as_of)
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    residents = (
        counts.in_force()
        .filter(facility=OuterRef("pk"), period_end=OuterRef("latest_period"))
        .order_by()
        .values("facility")
        .annotate(total=Sum("count"))
        .values("total")
    )
    pending = (
        counts.awaiting_review()
        .filter(facility=OuterRef("pk"), period_end__lte=as_of)
        .order_by()
        .values("facility")
        .annotate(n=Count("id"))
        .values("n")
    )
    return qs.annotate(latest_period=Subquery(latest_period)).annotate(
        latest_residents=Subquery(residents, output_field=IntegerField()),
        awaiting_review=Subquery(pending, output_field=IntegerField()),
    )


def social_work_share(*, user) -> tuple[int, int]:
    """(active facilities the user may see, how many of them provide social-work
    services): the Decision 112 indicator (target ≥50 % by 2025, ≥60 % by 2030)."""
    counts = (
        network_facilities(user)
        .active()
        .aggregate(
            total=Count("id"),
            providing=Count("id", filter=Q(facility__provides_social_work_services=True)),
        )
    )
    return counts["total"], counts["providing"]


def residents_by_group(*, user, periods: dict[int, dt.date]) -> dict[int, dict[int, int]]:
    """The accepted figures in force by target group of the given ``{facility id: period}``
    (a facility's latest period, from :func:`facility_list`), as far as ``user`` may read
    them: ``{facility id: {target group id: people}}``."""
    if not periods or not can(user, ResidentCount, "view"):
        return {}
    condition = Q(pk__in=[])
    for facility_id, period in periods.items():
        condition |= Q(facility_id=facility_id, period_end=period)
    result: dict[int, dict[int, int]] = {}
    rows = ResidentCount.objects.visible_to(user, "view").in_force().filter(condition)
    for facility_id, group_id, count in rows.values_list("facility_id", "target_group_id", "count"):
        result.setdefault(facility_id, {})[group_id] = count
    return result


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
    # The latest submissions not in force: awaiting review or returned (with the comment).
    flagged: list[ResidentCount] = field(default_factory=list)

    def cells(self, groups: list[TargetGroup]) -> list[int | None]:
        return [self.counts.get(g.pk) for g in groups]


@dataclass
class HeadcountHistory:
    groups: list[TargetGroup]
    periods: list[HeadcountPeriod]
    more: bool = False


def facility_headcount_history(*, user, facility: Organization, limit: int = 24):
    """The latest ``limit`` periods a facility reported, newest first: the accepted figures
    in force, the figures awaiting review or returned, and every earlier figure kept
    beside them. None if the user may not read them."""
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
    selected = list(
        rows.filter(period_end__in=periods)
        .select_related("target_group", "recorded_by", "superseded_by", "reviewed_by")
        .order_by("-period_end", "target_group__order", "-recorded_at", "-id")
    )
    in_force: dict[tuple, int] = {}  # (period, group) → id of the latest accepted row
    for row in selected:
        if row.status == ResidentCount.Review.ACCEPTED:
            key = (row.period_end, row.target_group_id)
            in_force[key] = max(in_force.get(key, 0), row.pk)
    for row in selected:
        period = by_period[row.period_end]
        if in_force.get((row.period_end, row.target_group_id)) != row.pk:
            if row.status != ResidentCount.Review.ACCEPTED and not _is_superseded(row):
                period.flagged.append(row)
            else:
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
