"""The figures of a programme report, computed once, in one consistent read.

:func:`build_snapshot` reads the five parts of the report — the service network, the
workforce, training, the student practicum, the indicators against their targets (and the
ward table) — from the owning apps' selectors, over the whole city (``SYSTEM``), and
returns them as plain JSON: numbers as numbers, every label already in Vietnamese (the
report is an official Vietnamese document whatever the reader's language). Nothing reads
the database again once the snapshot is taken: the Excel workbook and the PDF are
rendered from it (:mod:`ctxh.monitoring.report_output`).

**Consistency.** :func:`consistent_read` wraps the computation in one transaction. On
PostgreSQL its first statement is ``SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ
ONLY``: every query of the report sees the database as it was at the transaction's first
read, so a submission approved (or a person added) while the report computes cannot appear
in one part and be missing from another. On SQLite a transaction is already a snapshot
(WAL mode: a reader sees the database as of its first read, until it ends), so the
transaction alone gives the same guarantee. Inside a transaction the caller already opened
(the test suite), that transaction is the snapshot.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone, translation

from ctxh.core.scoping import SYSTEM
from ctxh.geo.models import Province, Ward
from ctxh.organizations.models import FACILITY_KINDS, Kind, Organization, Ownership
from ctxh.organizations.selectors.network import (
    city_residents_by_group,
    city_residents_total,
    social_work_share,
)
from ctxh.practicum.models import Placement, PlacementPeriod
from ctxh.training.selectors.statistics import Period, by_year, totals, trained_share
from ctxh.workforce.selectors import workforce_statistics

from ..models import PROGRAMME_LAST_YEAR, Indicator
from .computations import figures_cache
from .indicators import dashboard, ward_table

#: The snapshot's layout version (a renderer reads the versions it knows).
SCHEMA = 1
#: The parts, in the order they are computed (a hook is called after each).
PARTS = ("network", "workforce", "training", "practicum", "indicators")

LIGHTS = {"green": "Đạt", "amber": "Gần đạt", "red": "Chưa đạt"}


@contextlib.contextmanager
def consistent_read() -> Iterator[None]:
    """One transaction in which every read sees the same state of the database (see the
    module's docstring): REPEATABLE READ, read only, on PostgreSQL; a plain transaction on
    SQLite; the caller's own transaction when one is open."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Must be the transaction's first statement.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 2) if whole else None


def _network(start: dt.date, end: dt.date, as_of: dt.date) -> dict:
    facilities = Organization.objects.filter(kind__in=FACILITY_KINDS, active=True)
    counts = {
        (kind, ownership): n
        for kind, ownership, n in facilities.order_by()
        .values_list("kind", "ownership")
        .annotate(n=Count("id"))
    }
    kinds = [k for k in Kind if k in FACILITY_KINDS]
    rows = [
        {
            "kind": str(kind.value),
            "kind_label": str(kind.label),
            "ownership": str(ownership.value),
            "ownership_label": str(ownership.label),
            "count": counts[(kind.value, ownership.value)],
        }
        for kind in kinds
        for ownership in Ownership
        if counts.get((kind.value, ownership.value))
    ]
    total, providing = social_work_share(user=SYSTEM)
    city = Ward.objects.filter(province_id=settings.CTXH_PROVINCE)
    offices = Organization.objects.filter(kind=Kind.WARD_OFFICE, active=True, ward__in=city)
    return {
        "facilities": rows,
        "facilities_total": sum(r["count"] for r in rows),
        "facilities_public": sum(r["count"] for r in rows if r["ownership"] == Ownership.PUBLIC),
        "providing_services": providing,
        "providing_share": _pct(providing, total),
        "residents_as_of": as_of.isoformat(),
        "residents_total": city_residents_total(as_of, SYSTEM),
        "residents_by_group": [
            {"code": g.code, "label": g.name_vi, "count": n}
            for g, n in city_residents_by_group(as_of, SYSTEM)
        ],
        "wards_total": city.count(),
        "wards_with_office": offices.values("ward").distinct().count(),
        "wards_with_facility": facilities.filter(ward__in=city).values("ward").distinct().count(),
    }


def _workforce() -> dict:
    stats = workforce_statistics(user=SYSTEM)
    return {
        "total": stats["total"],
        "without_organization": stats["without_organization"],
        "by_sector": [
            {"label": r.label, "count": r.count, "share": round(r.share, 2)}
            for r in stats["by_sector"]
        ],
        "by_staff_type": [
            {"label": r.label, "count": r.count, "share": round(r.share, 2)}
            for r in stats["by_staff_type"]
        ],
        "coverage": [
            {
                "label": c.label,
                "covered": c.covered,
                "total": c.total,
                "percent": round(c.percent, 2),
            }
            for c in stats["coverage"]
        ],
    }


def _training(start: dt.date, end: dt.date, as_of: dt.date) -> dict:
    period = Period(start=start, end=end)
    figures = totals(user=SYSTEM, period=period)
    share = trained_share(user=SYSTEM, today=as_of)
    return {
        "classes": figures.classes or 0,
        "participant_times": figures.participant_times,
        "people": figures.people,
        "unidentified": figures.unidentified,
        "completed": figures.completed,
        "by_year": [
            {
                "year": int(f.key),
                "classes": f.classes or 0,
                "participant_times": f.participant_times,
                "people": f.people,
                "completed": f.completed,
            }
            for f in by_year(user=SYSTEM, period=period)
        ],
        "trained": {
            "years": share.years,
            "since": share.since.isoformat(),
            "trained": share.total.trained,
            "total": share.total.total,
            "percent": round(share.total.percent, 2),
        },
        "trained_by_sector": [
            {
                "label": s.label,
                "trained": s.trained,
                "total": s.total,
                "percent": round(s.percent, 2),
            }
            for s in share.by_sector
        ],
    }


def _practicum(start: dt.date, end: dt.date) -> dict:
    periods = list(
        PlacementPeriod.objects.filter(starts_on__gte=start, starts_on__lte=end).order_by(
            "starts_on", "id"
        )
    )
    hosted = Q(status__in=Placement.HOSTED)
    completed = Q(status=Placement.Status.COMPLETED)
    figures = {
        row["period"]: row
        for row in Placement.objects.filter(period__in=periods)
        .order_by()
        .values("period")
        .annotate(
            placed=Count("student", distinct=True),
            accepted=Count("student", filter=hosted, distinct=True),
            completed=Count("student", filter=completed, distinct=True),
        )
    }
    rows = [
        {
            "name": p.name,
            "starts_on": p.starts_on.isoformat(),
            "ends_on": p.ends_on.isoformat(),
            "placed": figures.get(p.pk, {}).get("placed", 0),
            "accepted": figures.get(p.pk, {}).get("accepted", 0),
            "completed": figures.get(p.pk, {}).get("completed", 0),
        }
        for p in periods
    ]
    return {
        "periods": rows,
        "placed": sum(r["placed"] for r in rows),
        "accepted": sum(r["accepted"] for r in rows),
        "completed": sum(r["completed"] for r in rows),
    }


def _number(value):
    """A figure as JSON keeps it: an int when whole, else a float rounded to 2 places."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value == int(value) else round(value, 2)


def _indicators(year: int) -> dict:
    board = dashboard(user=SYSTEM, year=year)
    themes = dict(Indicator.Theme.choices)
    rows = [
        {
            "code": r.indicator.code,
            "name": r.indicator.name,
            "theme": str(themes.get(r.indicator.theme, r.indicator.theme)),
            "unit": r.indicator.unit,
            "unit_label": str(r.indicator.get_unit_display()),
            "value": _number(r.value),
            "target_year": _number(r.target_now.value) if r.target_now else None,
            "target_final": _number(r.target_final.value) if r.target_final else None,
            "light": r.light,
            "light_label": LIGHTS.get(r.light or "", ""),
        }
        for r in board.rows
    ]
    table = ward_table(year=year)  # by name (no sort column)
    wards = {
        "indicators": [{"code": i.code, "name": i.name, "unit": i.unit} for i in table.indicators],
        "rows": [
            {"code": ward.pk, "name": ward.name, "values": [_number(v) for v in values]}
            for ward, values in sorted(table.rows, key=lambda r: (r[0].sort_key, r[0].pk))
        ],
    }
    return {"indicators": rows, "wards": wards}


def period_title(kind: str, start: dt.date, end: dt.date) -> str:
    """The report's official title (in Vietnamese)."""
    base = "Báo cáo kết quả thực hiện Chương trình phát triển công tác xã hội"
    if kind == "annual":
        return f"{base} năm {end.year}"
    return f"{base} từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def build_snapshot(
    *,
    kind: str,
    start: dt.date,
    end: dt.date,
    hook: Callable[[str], None] | None = None,
) -> dict:
    """Every figure of the report for [``start``, ``end``] as plain JSON (see the module's
    docstring). Call it inside :func:`consistent_read`. ``hook(part)`` is called after each
    part of :data:`PARTS` (the tests change data there).

    Registries that only know today (the workforce, the facilities in operation) are read
    as of now; residents and the share trained as of the period's end (or today, if it is
    later); classes and placement periods by their start within the period; indicators
    for the year of the period's end, against that year's and the 2030 targets."""
    now = timezone.localtime()
    as_of = min(end, now.date())
    province = Province.objects.filter(pk=settings.CTXH_PROVINCE).first()
    snapshot: dict = {
        "schema": SCHEMA,
        "kind": kind,
        "title": period_title(kind, start, end),
        "start": _iso(start),
        "end": _iso(end),
        "year": end.year,
        "final_year": PROGRAMME_LAST_YEAR,
        "as_of": as_of.isoformat(),
        "generated_at": now.replace(microsecond=0).isoformat(),
        "city": province.name if province else "",
    }
    steps: list[tuple[str, Callable[[], dict]]] = [
        ("network", lambda: _network(start, end, as_of)),
        ("workforce", _workforce),
        ("training", lambda: _training(start, end, as_of)),
        ("practicum", lambda: _practicum(start, end)),
        ("indicators", lambda: _indicators(end.year)),
    ]
    with translation.override("vi"), figures_cache():
        for name, compute in steps:
            part = compute()
            if name == "indicators":
                snapshot["indicators"] = part["indicators"]
                snapshot["wards"] = part["wards"]
            else:
                snapshot[name] = part
            if hook is not None:
                hook(name)
    return snapshot
