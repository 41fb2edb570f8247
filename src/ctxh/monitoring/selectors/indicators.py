"""Reads of the indicators: their values, targets, traffic lights, breakdowns and trends,
shared by the dashboard, the indicator pages, the ward table, its export and the benchmark.

A value is obtained the indicator's way (:meth:`Indicator.Method`): a named computation
(:mod:`.computations`), the approved submitted figures (the submissions' selector
``approved_values``, read lazily), or the values entered by hand. A computed indicator
whose registry only knows today answers past years with the value recorded by hand.

Call these inside :func:`~.computations.figures_cache` (the views do) so that each figure
is computed once per page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from ctxh.core.permissions import can
from ctxh.geo.models import Ward
from ctxh.organizations.models import Organization, Sector, TargetGroup
from ctxh.practicum.models import PlacementPeriod
from ctxh.training.models import Enrollment
from ctxh.training.selectors.statistics import TRAINED_YEARS
from ctxh.workforce.models import Person

from ..models import (
    BREAKDOWNS,
    PROGRAMME_FIRST_YEAR,
    PROGRAMME_LAST_YEAR,
    Indicator,
    IndicatorValue,
    Target,
    TargetRevision,
)
from .computations import COMPUTATIONS, city_wards, memo, today

GREEN, AMBER, RED = "green", "amber", "red"
#: How close to its target a value must be for amber (10 %).
NEAR = Decimal("0.10")


# --- The traffic light ------------------------------------------------------------------


def expected_on_path(
    *, year: int, start_year: int, start_value, target_year: int, target_value
) -> Decimal:
    """Where a straight path from (``start_year``, ``start_value``) to the target would
    be in ``year``."""
    start, goal = Decimal(str(start_value)), Decimal(str(target_value))
    if target_year <= start_year:
        return goal
    step = Decimal(min(max(year, start_year), target_year) - start_year)
    return start + (goal - start) * step / Decimal(target_year - start_year)


def traffic_light(value, target, *, higher_is_better: bool = True, expected=None) -> str | None:
    """The indicator's light against ``target``: **green** when it is reached; **amber**
    when the value is within 10 % of it, or on track (at or beyond ``expected``, where a
    straight path to the target would be today); **red** behind. None without a value or
    a target. ``higher_is_better`` false turns every comparison round (a figure to
    reduce)."""
    if value is None or target is None:
        return None
    value, target = Decimal(str(value)), Decimal(str(target))
    sign = 1 if higher_is_better else -1
    if sign * (value - target) >= 0:
        return GREEN
    if abs(target - value) <= NEAR * abs(target):
        return AMBER
    if expected is not None and sign * (value - Decimal(str(expected))) >= 0:
        return AMBER
    return RED


def light_target(targets: list[Target], year: int) -> tuple[Target | None, Decimal | None]:
    """The target a year's light is read against — that year's, else the next one, else
    the last one already due — and where the path to it expects the value in ``year``
    (from the previous target, or the target's own baseline; None when neither is known
    or the target is due)."""
    targets = sorted(targets, key=lambda t: t.year)
    if not targets:
        return None, None
    ahead = [t for t in targets if t.year >= year]
    if not ahead:
        return targets[-1], None
    target = ahead[0]
    if target.year == year:
        return target, None
    before = [t for t in targets if t.year < year]
    if before:
        start_year, start_value = before[-1].year, before[-1].value
    elif target.baseline_year is not None:
        start_year, start_value = target.baseline_year, target.baseline_value
    else:
        return target, None
    expected = expected_on_path(
        year=year,
        start_year=start_year,
        start_value=start_value,
        target_year=target.year,
        target_value=target.value,
    )
    return target, expected


# --- Values -----------------------------------------------------------------------------


@memo
def _recorded() -> dict[tuple[int, int, int | None], Decimal]:
    """Every value entered by hand: {(indicator, year, ward): value} (one query)."""
    return {
        (i, y, w): v
        for i, y, w, v in IndicatorValue.objects.values_list("indicator", "year", "ward", "value")
    }


def _recorded_value(indicator: Indicator, year: int, ward=None, breakdown=None):
    recorded = _recorded()
    if breakdown == "ward":
        return {
            w: float(v)
            for (i, y, w), v in recorded.items()
            if i == indicator.pk and y == year and w is not None
        } or None
    if breakdown is not None:
        return None
    value = recorded.get((indicator.pk, year, ward))
    return None if value is None else float(value)


def _quarters(year: int) -> list[tuple[dt.date, dt.date]]:
    return [
        (dt.date(year, m, 1), dt.date(year + (m == 10), 1 if m == 10 else m + 3, 1))
        for m in (1, 4, 7, 10)
    ]


def _submitted(indicator: Indicator, year: int, ward=None, breakdown=None):
    """The approved submitted figures of the indicator's data set and field (the
    submissions' selector, when that part of the app is present; no data otherwise)."""
    try:
        from ctxh.monitoring.selectors.submissions import approved_values
    except ImportError:
        return None
    by = "ward" if (breakdown == "ward" or ward is not None) else None

    def read(start: dt.date, end: dt.date) -> dict:
        # Always per key (ward, or organisation for the city total), so periods can be
        # told apart by whether anything was reported; the city total sums the keys.
        try:
            return approved_values(
                indicator.dataset_code,
                indicator.field_code,
                start,
                end,
                by=by or "organization",
            )
        except ObjectDoesNotExist:  # an indicator naming a field no data set has
            return {}

    if indicator.aggregation == Indicator.Aggregation.SUM:
        values = read(dt.date(year, 1, 1), dt.date(year, 12, 31))
    else:
        quarters = []
        for start, after in _quarters(year):
            found = read(start, after - dt.timedelta(days=1))
            if found:
                quarters.append(found)
        if not quarters:
            return None
        if indicator.aggregation == Indicator.Aggregation.LATEST:
            values = quarters[-1]
        else:
            keys = {k for q in quarters for k in q}
            values = {k: sum(q.get(k, 0) for q in quarters) / len(quarters) for k in keys}
    if not values:
        return None
    if by is None:
        return float(sum(values.values()))
    if ward is not None:
        value = values.get(ward)
        return None if value is None else float(value)
    return {k: float(v) for k, v in values.items()}


def indicator_value(indicator: Indicator, *, year: int, ward=None, breakdown=None):
    """The indicator's value in ``year`` (of the city, of ``ward``, or ``{key: value}``
    for ``breakdown``); None when it is not known."""
    if indicator.method == Indicator.Method.COMPUTATION:
        func = COMPUTATIONS.get(indicator.computation)
        if func is None:
            return None
        if breakdown is not None and breakdown not in func.breakdowns:
            return None
        value = func(year=year, ward=ward, breakdown=breakdown)
        if value is None:
            value = _recorded_value(indicator, year, ward, breakdown)
        return value
    if indicator.method == Indicator.Method.SUBMISSION:
        value = _submitted(indicator, year, ward, breakdown)
        return value if value is not None else _recorded_value(indicator, year, ward, breakdown)
    return _recorded_value(indicator, year, ward, breakdown)


def ward_breakdown_available(indicator: Indicator) -> bool:
    if indicator.method == Indicator.Method.COMPUTATION:
        func = COMPUTATIONS.get(indicator.computation)
        return bool(func and "ward" in func.breakdowns)
    return "ward" in (indicator.breakdowns or [])


def offered_breakdowns(indicator: Indicator) -> list[str]:
    """The breakdowns the indicator declares and its way of computing can answer."""
    declared = [b for b in indicator.breakdowns or [] if b != "year"]
    if indicator.method == Indicator.Method.COMPUTATION:
        func = COMPUTATIONS.get(indicator.computation)
        possible = set(func.breakdowns) if func else set()
        return [b for b in declared if b in possible]
    if indicator.method == Indicator.Method.SUBMISSION:
        return [b for b in declared if b == "ward"]
    return [b for b in declared if b == "ward"]


# --- The records behind a figure --------------------------------------------------------


def _url(name: str, **params) -> str | None:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return url + ("?" + urlencode(params) if params else "")


@memo
def _approved_by_ward(*, dataset_code: str, year: int) -> dict[int, tuple[int, int] | None]:
    """{ward: (submission, organisation)} of the approved submission of each ward's latest
    period in ``year`` of a data set (None when several organisations of the ward reported
    that period); one query."""
    try:
        from ctxh.monitoring.models import Submission
    except ImportError:  # pragma: no cover - the submissions part is absent
        return {}
    rows = (
        Submission.objects.filter(
            dataset__code=dataset_code,
            status=Submission.Status.APPROVED,
            period_start__year=year,
            organization__ward__isnull=False,
        )
        .order_by("period_start", "id")
        .values_list("organization__ward_id", "period_start", "pk", "organization_id")
    )
    latest: dict[int, tuple] = {}
    found: dict[int, tuple[int, int] | None] = {}
    for ward, period, pk, org in rows:
        if ward not in latest or period > latest[ward]:
            latest[ward], found[ward] = period, (pk, org)
        elif period == latest[ward]:
            found[ward] = None
    return found


def _submission_link(user, indicator: Indicator, ward, year: int | None) -> str | None:
    """A ward's submitted figure → that ward's approved submission of the latest period
    of the year, if ``user`` may open it; else the list of the submissions of the ward."""
    if ward is not None and year is not None:
        from ctxh.core.scoping import scope_for
        from ctxh.monitoring.models import Submission

        found = _approved_by_ward(dataset_code=indicator.dataset_code, year=year).get(ward)
        if found and scope_for(user, Submission, "view").covers(found[1]):
            return reverse("monitoring:submission_detail", args=[found[0]])
    return _url("monitoring:submissions", dataset=indicator.dataset_code, ward=ward)


def figure_link(
    user,
    indicator: Indicator,
    *,
    breakdown: str | None = None,
    key=None,
    year: int | None = None,
):
    """The list of the records behind a figure, filtered to it, if ``user`` may open that
    list (None otherwise): the workforce list, the facilities, the trained people, the
    practicum board; a ward's submitted figure (``year`` given) opens the ward's approved
    submission."""
    ward = key if breakdown == "ward" else None
    sector = key if breakdown == "sector" else None
    name = indicator.computation if indicator.method == Indicator.Method.COMPUTATION else ""
    if name == "workforce_people" and can(user, Person, "view"):
        return _url("workforce:list", sector=sector, ward=ward)
    if name == "wards_with_staff" and can(user, Person, "view"):
        return _url("workforce:list", sector=Sector.WARDS, staff_type="staff", ward=ward)
    if name in {"facilities_with_staff", "residents"} and can(user, Organization, "view"):
        group = key if breakdown == "target_group" else None
        return _url("organizations:facilities", ward=ward, target_group=group)
    if name == "facilities_providing_services" and can(user, Organization, "view"):
        return _url("organizations:facilities", social_work="true", ward=ward)
    if name == "workforce_trained_share" and can(user, Enrollment, "statistics"):
        return _url("training:statistics_people", trained=TRAINED_YEARS, sector=sector, ward=ward)
    if name in {"students_placed", "students_completed"} and can(user, PlacementPeriod, "view"):
        return _url("practicum:board")
    if indicator.method == Indicator.Method.SUBMISSION:
        return _submission_link(user, indicator, ward, year)
    return None


# --- The dashboard ----------------------------------------------------------------------


@dataclass
class IndicatorRow:
    """One indicator on the dashboard."""

    indicator: Indicator
    value: float | None
    target_now: Target | None
    target_final: Target | None
    light_against: Target | None
    expected: Decimal | None
    light: str | None
    link: str | None = None

    @property
    def progress(self) -> float | None:
        """The value as a share of the 2030 target (for the progress bar)."""
        goal = self.target_final
        if self.value is None or goal is None or not goal.value:
            return None
        return min(100.0, 100 * self.value / float(goal.value))


@dataclass
class Dashboard:
    year: int
    themes: list[tuple[str, list[IndicatorRow]]] = field(default_factory=list)
    chart: dict = field(default_factory=dict)

    @property
    def rows(self) -> list[IndicatorRow]:
        return [row for _theme, rows in self.themes for row in rows]


def active_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(active=True).order_by("order", "code"))


def city_targets(indicators) -> dict[int, list[Target]]:
    """The city's targets of ``indicators`` (one query): {indicator id: [targets]}."""
    result: dict[int, list[Target]] = {i.pk: [] for i in indicators}
    for target in Target.objects.filter(indicator__in=list(indicators), ward__isnull=True):
        result.setdefault(target.indicator_id, []).append(target)
    return result


def indicator_row(user, indicator: Indicator, targets: list[Target], year: int) -> IndicatorRow:
    value = indicator_value(indicator, year=year)
    against, expected = light_target(targets, year)
    by_year = {t.year: t for t in targets}
    return IndicatorRow(
        indicator=indicator,
        value=value,
        target_now=by_year.get(year),
        target_final=by_year.get(PROGRAMME_LAST_YEAR),
        light_against=against,
        expected=expected,
        light=traffic_light(
            value,
            against.value if against else None,
            higher_is_better=indicator.higher_is_better,
            expected=expected,
        ),
        link=figure_link(user, indicator),
    )


def dashboard(*, user, year: int | None = None) -> Dashboard:
    """Every active indicator with its value, this year's and the 2030 target and its
    light, by theme, and the chart of the shares against their targets."""
    year = year or today().year
    indicators = active_indicators()
    targets = city_targets(indicators)
    board = Dashboard(year=year)
    themes: dict[str, list[IndicatorRow]] = {}
    for indicator in indicators:
        row = indicator_row(user, indicator, targets[indicator.pk], year)
        themes.setdefault(indicator.theme, []).append(row)
    labels = dict(Indicator.Theme.choices)
    board.themes = [(str(labels[t]), themes[t]) for t in Indicator.Theme.values if t in themes]
    shares = [r for r in board.rows if r.indicator.is_percent]
    board.chart = {
        "type": "bar",
        "labels": [r.indicator.name for r in shares],
        "datasets": [
            {"label": str(year), "data": [r.value for r in shares]},
            *[
                {
                    "label": str(target_year),
                    "data": [
                        float(t.value)
                        if (t := _target_of(targets[r.indicator.pk], target_year))
                        else None
                        for r in shares
                    ],
                }
                for target_year in sorted(
                    {t.year for r in shares for t in targets[r.indicator.pk] if t.year >= year}
                )
            ],
        ],
        "y_label": "%",
    }
    return board


def _target_of(targets: list[Target], year: int) -> Target | None:
    return next((t for t in targets if t.year == year), None)


# --- One indicator ----------------------------------------------------------------------


@dataclass
class BreakdownLine:
    key: object
    label: str
    value: float | None
    link: str | None = None
    target: Target | None = None
    light: str | None = None


@dataclass
class IndicatorPage:
    indicator: Indicator
    row: IndicatorRow
    targets: list[Target]
    ward_targets: list[Target]
    trend: list[tuple[int, float | None, Target | None]]
    chart: dict
    breakdowns: list[tuple[str, str, list[BreakdownLine]]]
    history: list[TargetRevision]
    values: list[IndicatorValue]


def _labels(breakdown: str, keys) -> dict:
    keys = [k for k in keys if k not in (None, "")]
    if breakdown == "ward":
        return dict(Ward.objects.filter(pk__in=keys).values_list("pk", "name"))
    if breakdown == "sector":
        return {k: str(v) for k, v in Sector.choices}
    if breakdown == "target_group":
        return {g.pk: g.name for g in TargetGroup.objects.filter(pk__in=keys)}
    return {}


def breakdown_lines(user, indicator: Indicator, breakdown: str, year: int) -> list[BreakdownLine]:
    """The indicator's value per group of ``breakdown``, largest first (wards: with their
    own targets and lights)."""
    values = indicator_value(indicator, year=year, breakdown=breakdown) or {}
    labels = _labels(breakdown, values)
    ward_targets: dict = {}
    if breakdown == "ward":
        for target in Target.objects.filter(indicator=indicator, ward__isnull=False, year=year):
            ward_targets[target.ward_id] = target
    lines = []
    for key, value in values.items():
        target = ward_targets.get(key)
        lines.append(
            BreakdownLine(
                key=key,
                label=str(labels.get(key, key or "—")),
                value=value,
                link=figure_link(user, indicator, breakdown=breakdown, key=key, year=year),
                target=target,
                light=traffic_light(
                    value,
                    target.value if target else None,
                    higher_is_better=indicator.higher_is_better,
                ),
            )
        )
    lines.sort(key=lambda line: (-(line.value or 0), line.label))
    return lines


def indicator_page(*, user, indicator: Indicator, year: int | None = None) -> IndicatorPage:
    """The indicator's page: its row, targets (city and wards), trend over the programme's
    years, breakdowns, the history of its targets and the values entered by hand."""
    year = year or today().year
    targets = list(
        Target.objects.filter(indicator=indicator).select_related("ward").order_by("year", "ward")
    )
    city = [t for t in targets if t.ward_id is None]
    row = indicator_row(user, indicator, city, year)
    first = min([PROGRAMME_FIRST_YEAR, *[t.baseline_year for t in city if t.baseline_year]])
    years = list(range(first, max(year, PROGRAMME_FIRST_YEAR) + 1))
    by_year = {t.year: t for t in city}
    trend = [(y, indicator_value(indicator, year=y), by_year.get(y)) for y in years]
    baseline = {t.baseline_year: float(t.baseline_value) for t in city if t.baseline_year}
    trend = [(y, v if v is not None else baseline.get(y), t) for y, v, t in trend]
    target_years = sorted(set(years) | set(by_year))
    chart = {
        "type": "line",
        "labels": [str(y) for y in target_years],
        "datasets": [
            {
                "label": str(indicator.name),
                "data": [{y: v for y, v, _t in trend}.get(y) for y in target_years],
            },
            {
                "label": str(_("Target")),
                "data": [float(by_year[y].value) if y in by_year else None for y in target_years],
            },
        ],
        "y_label": "%" if indicator.is_percent else "",
    }
    breakdowns = []
    for name in offered_breakdowns(indicator):
        breakdowns.append(
            (name, str(BREAKDOWNS[name]), breakdown_lines(user, indicator, name, year))
        )
    return IndicatorPage(
        indicator=indicator,
        row=row,
        targets=city,
        ward_targets=[t for t in targets if t.ward_id is not None],
        trend=trend,
        chart=chart,
        breakdowns=breakdowns,
        history=list(
            TargetRevision.objects.filter(indicator=indicator)
            .select_related("changed_by", "target", "target__ward")
            .order_by("-changed_at", "-id")[:100]
        ),
        values=list(
            IndicatorValue.objects.filter(indicator=indicator)
            .select_related("ward", "entered_by")
            .order_by("-year", "ward")
        ),
    )


# --- The ward table ---------------------------------------------------------------------


@dataclass
class WardTable:
    year: int
    indicators: list[Indicator]
    rows: list[tuple[Ward, list[float | None]]]
    sort: str
    descending: bool

    @property
    def cells(self):
        """The rows with each value's unit (for the page's formatting)."""
        units = [i.unit for i in self.indicators]
        return [(ward, list(zip(values, units, strict=True))) for ward, values in self.rows]


def ward_table(*, year: int | None = None, sort: str = "", descending: bool = True) -> WardTable:
    """The city's wards × the active indicators with a ward breakdown, sorted by the
    indicator ``sort`` (its code; by name otherwise); one grouped read per indicator."""
    year = year or today().year
    indicators = [i for i in active_indicators() if ward_breakdown_available(i)]
    columns = [indicator_value(i, year=year, breakdown="ward") or {} for i in indicators]
    wards = list(city_wards().order_by("sort_key", "code"))
    rows = [(w, [column.get(w.pk) for column in columns]) for w in wards]
    codes = [i.code for i in indicators]
    if sort in codes:
        index = codes.index(sort)
        known = [r for r in rows if r[1][index] is not None]
        unknown = [r for r in rows if r[1][index] is None]
        known.sort(key=lambda r: r[1][index], reverse=descending)
        rows = known + unknown
    else:
        sort = ""
        if descending is False:
            rows.reverse()
    return WardTable(year=year, indicators=indicators, rows=rows, sort=sort, descending=descending)


def programme_years() -> range:
    return range(PROGRAMME_FIRST_YEAR, PROGRAMME_LAST_YEAR + 1)


def indicator_search(query: str = ""):
    """Indicators for the management list (all, the inactive ones too)."""
    qs = Indicator.objects.order_by("order", "code")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return qs
