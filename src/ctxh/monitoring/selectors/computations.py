"""The named computations of the indicators, over the other apps' registries.

:data:`COMPUTATIONS` maps a name (``Indicator.computation``) to a function
``func(*, year, ward=None, breakdown=None)`` that returns the city's value for ``year``,
one ward's value (``ward``: a ward code), or a ``{key: value}`` breakdown (``breakdown``:
``"ward"`` → ward codes, ``"sector"`` → sector codes, ``"target_group"`` → target group
ids). ``None`` means "not known": the registries only know today, so a computation that is
not ``over_time`` answers for the current year only (a past year's value is the one
recorded by hand, see :class:`ctxh.monitoring.models.IndicatorValue`).

Every figure is the whole city's (``SYSTEM``'s scope): figures are aggregates, seen by
every role that may see the dashboard; the records behind them stay under their own
permissions. The definitions are the owning apps' — the Decision 112 coverage is the
workforce's :func:`~ctxh.workforce.selectors.decision_112_coverage`, the share trained the
training's :func:`~ctxh.training.selectors.statistics.trained_share`, the facilities
providing services the network's :func:`~ctxh.organizations.selectors.network.social_work_share`,
the residents the headcounts in force — and the breakdowns group by the same rules.

Inside :func:`figures_cache` (a page, the benchmark), a computation runs once per
arguments (see :func:`memo`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from ctxh.core.scoping import SYSTEM
from ctxh.geo.models import Ward
from ctxh.organizations.models import (
    FACILITY_KINDS,
    SECTOR_OF_KIND,
    Kind,
    Organization,
    ResidentCount,
)
from ctxh.organizations.selectors.network import social_work_share
from ctxh.practicum.models import Placement
from ctxh.training.selectors.statistics import TRAINED_YEARS, trained_share
from ctxh.workforce.models import Person
from ctxh.workforce.selectors import decision_112_coverage, social_work_staff

#: name → computation function (filled by :func:`computation`).
COMPUTATIONS: dict[str, Callable] = {}

_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "monitoring_cache", default=None
)


@contextlib.contextmanager
def figures_cache() -> Iterator[dict]:
    """Within the block, each memoised read runs once per arguments (one page, one
    report): the dashboard asks the same coverage for two indicators and each indicator
    for its city value, its breakdown and its trend."""
    token = _cache.set({})
    try:
        yield _cache.get()
    finally:
        _cache.reset(token)


def memo(func: Callable) -> Callable:
    """Memoise ``func`` (keyword arguments only) inside :func:`figures_cache`."""

    @functools.wraps(func)
    def wrapper(**kwargs):
        cache = _cache.get()
        if cache is None:
            return func(**kwargs)
        key = (func.__module__, func.__qualname__, tuple(sorted(kwargs.items())))
        if key not in cache:
            cache[key] = func(**kwargs)
        return cache[key]

    return wrapper


def computation(name: str, *, breakdowns: tuple[str, ...] = (), over_time: bool = False):
    """Register a computation under ``name``; ``breakdowns`` are those it answers,
    ``over_time`` whether it can answer for a past year."""

    def register(func: Callable) -> Callable:
        wrapped = memo(func)
        wrapped.breakdowns = breakdowns
        wrapped.over_time = over_time
        COMPUTATIONS[name] = wrapped
        return wrapped

    return register


def today() -> dt.date:
    return timezone.localdate()


def as_of(year: int) -> dt.date | None:
    """The day a year's value describes: today for the current year, 31 December for a
    past one, None for a future one."""
    now = today()
    if year > now.year:
        return None
    return now if year == now.year else dt.date(year, 12, 31)


def _snapshot_year(year: int) -> bool:
    """Registries that only know today answer for the current year only."""
    return year == today().year


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def city_wards():
    return Ward.objects.filter(province_id=settings.CTXH_PROVINCE)


def _sector_of(kind: str) -> str:
    return str(SECTOR_OF_KIND[Kind(kind)])


# --- Workforce --------------------------------------------------------------------------


@computation("workforce_people", breakdowns=("sector", "ward"))
def workforce_people(*, year: int, ward: int | None = None, breakdown: str | None = None):
    """People of the workforce registry (staff and collaborators), by the sector and ward
    of their current organisation (as the workforce statistics count them)."""
    if not _snapshot_year(year):
        return None
    people = Person.objects.all()
    if ward is not None:
        return people.filter(current_organization__ward_id=ward).count()
    if breakdown == "sector":
        result: dict[str, int] = {}
        rows = (
            people.filter(current_organization__isnull=False)
            .order_by()
            .values_list("current_organization__kind")
            .annotate(n=Count("id"))
        )
        for kind, n in rows:
            sector = _sector_of(kind)
            result[sector] = result.get(sector, 0) + n
        return result
    if breakdown == "ward":
        return dict(
            people.filter(current_organization__ward__isnull=False)
            .order_by()
            .values_list("current_organization__ward")
            .annotate(n=Count("id"))
        )
    return people.count()


@memo
def _coverage() -> dict:
    """The workforce's Decision 112 coverage over the whole registry (one call, cached)."""
    wards, facilities = decision_112_coverage(user=SYSTEM)
    return {"wards": wards, "facilities": facilities}


def _staff_here():
    return social_work_staff().filter(current_organization=OuterRef("pk"))


@computation("wards_with_staff", breakdowns=("ward",))
def wards_with_staff(*, year: int, ward: int | None = None, breakdown: str | None = None):
    """Share of the city's wards whose ward office has at least one social-work staff
    member (Decision 112: 60 % by 2025, 90 % by 2030); per ward: 100 or 0."""
    if not _snapshot_year(year):
        return None
    if ward is None and breakdown is None:
        return round(_coverage()["wards"].percent, 2)
    covered = set(
        Organization.objects.filter(kind=Kind.WARD_OFFICE, active=True, ward__isnull=False)
        .filter(Exists(_staff_here()))
        .values_list("ward", flat=True)
    )
    if ward is not None:
        return 100.0 if ward in covered else 0.0
    return {code: (100.0 if code in covered else 0.0) for code in _city_ward_codes()}


@memo
def _city_ward_codes_cached() -> tuple[int, ...]:
    return tuple(city_wards().values_list("code", flat=True))


def _city_ward_codes() -> tuple[int, ...]:
    return _city_ward_codes_cached()


def _by_ward_share(queryset, condition: Q, ward: int | None):
    """{ward: share} of the rows of ``queryset`` meeting ``condition`` (a ward's value
    when ``ward`` is given); a ward without rows has no value."""
    if ward is not None:
        queryset = queryset.filter(ward_id=ward)
    rows = (
        queryset.filter(ward__isnull=False)
        .order_by()
        .values_list("ward")
        .annotate(total=Count("id"), part=Count("id", filter=condition))
    )
    shares = {code: percent(part, total) for code, total, part in rows}
    if ward is not None:
        return shares.get(ward)
    return shares


@computation("facilities_with_staff", breakdowns=("ward",))
def facilities_with_staff(*, year: int, ward: int | None = None, breakdown: str | None = None):
    """Share of the active social-assistance facilities with at least one social-work
    staff member (Decision 112: 60 % by 2025, 90 % by 2030)."""
    if not _snapshot_year(year):
        return None
    if ward is None and breakdown is None:
        return round(_coverage()["facilities"].percent, 2)
    facilities = Organization.objects.filter(kind__in=FACILITY_KINDS, active=True).annotate(
        staffed=Exists(_staff_here())
    )
    return _by_ward_share(facilities, Q(staffed=True), ward)


@computation("facilities_providing_services", breakdowns=("ward",))
def facilities_providing_services(
    *, year: int, ward: int | None = None, breakdown: str | None = None
):
    """Share of the active facilities that provide social-work services (the facility
    profile's flag; Decision 112: ≥ 50 % by 2025, ≥ 60 % by 2030)."""
    if not _snapshot_year(year):
        return None
    if ward is None and breakdown is None:
        total, providing = social_work_share(user=SYSTEM)
        return percent(providing, total)
    facilities = Organization.objects.filter(kind__in=FACILITY_KINDS, active=True)
    return _by_ward_share(facilities, Q(facility__provides_social_work_services=True), ward)


# --- Training ---------------------------------------------------------------------------


@memo
def _trained(*, year: int):
    return trained_share(user=SYSTEM, years=TRAINED_YEARS, today=as_of(year))


@computation("workforce_trained_share", breakdowns=("sector", "ward"), over_time=True)
def workforce_trained_share(*, year: int, ward: int | None = None, breakdown: str | None = None):
    """Share of the current registry that completed a class in the five years up to the
    year's end (the training's definition; Decision 112: ≥ 30 % by 2025). Past years are
    read over today's registry."""
    if as_of(year) is None:
        return None
    share = _trained(year=year)
    if ward is not None:
        return next((round(s.percent, 2) for s in share.by_ward if s.key == ward), None)
    if breakdown == "sector":
        return {s.key: round(s.percent, 2) for s in share.by_sector}
    if breakdown == "ward":
        return {s.key: round(s.percent, 2) for s in share.by_ward if s.key}
    return round(share.total.percent, 2) if share.total.total else None


# --- Practicum --------------------------------------------------------------------------


def _placements(year: int, statuses):
    return Placement.objects.filter(period__starts_on__year=year, status__in=statuses)


def _placement_figure(year: int, statuses, ward, breakdown):
    placements = _placements(year, statuses)
    if ward is not None:
        return placements.filter(facility__ward_id=ward).count()
    if breakdown == "ward":
        return dict(
            placements.filter(facility__ward__isnull=False)
            .order_by()
            .values_list("facility__ward")
            .annotate(n=Count("id"))
        )
    if breakdown == "sector":
        result: dict[str, int] = {}
        for kind, n in placements.order_by().values_list("facility__kind").annotate(n=Count("id")):
            sector = _sector_of(kind)
            result[sector] = result.get(sector, 0) + n
        return result
    return placements.count()


@computation("students_placed", breakdowns=("ward", "sector"), over_time=True)
def students_placed(*, year: int, ward: int | None = None, breakdown: str | None = None):
    """Students a facility accepted (accepted, in practice or completed) in the placement
    periods starting in ``year``, by the facility's ward and sector."""
    return _placement_figure(year, Placement.HOSTED, ward, breakdown)


@computation("students_completed", breakdowns=("ward", "sector"), over_time=True)
def students_completed(*, year: int, ward: int | None = None, breakdown: str | None = None):
    """Students whose practice the facility confirmed as completed, in the periods
    starting in ``year``."""
    return _placement_figure(year, (Placement.Status.COMPLETED,), ward, breakdown)


# --- Residents --------------------------------------------------------------------------


@memo
def _resident_rows(*, day: dt.date) -> list[tuple[int, int | None, int, int]]:
    """(facility, ward, target group, people) of each facility's latest period with
    accepted figures on or before ``day`` — the network's definition
    (:func:`~ctxh.organizations.selectors.network.city_residents_total`), read as one
    scan of the figures in force and picked in Python: the correlated "latest period"
    subquery grows with the square of the periods on large data."""
    rows = list(
        ResidentCount.objects.in_force()
        .filter(period_end__lte=day)
        .order_by()
        .values_list("facility", "facility__ward", "target_group", "period_end", "count")
    )
    latest: dict[int, dt.date] = {}
    for facility, _ward, _group, period, _count in rows:
        if period > latest.get(facility, dt.date.min):
            latest[facility] = period
    return [
        (facility, ward, group, count)
        for facility, ward, group, period, count in rows
        if period == latest[facility]
    ]


@computation("residents", breakdowns=("target_group", "ward"), over_time=True)
def residents(*, year: int, ward: int | None = None, breakdown: str | None = None):
    """People cared for in the facilities: for each facility, its accepted figures in
    force of its latest period on or before the year's end (or today), as the network's
    residents' totals count them; by target group and by the facility's ward."""
    day = as_of(year)
    if day is None:
        return None
    rows = _resident_rows(day=day)
    if ward is not None:
        return sum(count for _f, w, _g, count in rows if w == ward)
    if breakdown in ("target_group", "ward"):
        result: dict = {}
        for _facility, w, group, count in rows:
            key = group if breakdown == "target_group" else w
            if key is not None:
                result[key] = result.get(key, 0) + count
        return result
    return sum(count for *_rest, count in rows) or None
