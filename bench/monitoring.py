"""The programme's indicators at city and national scale.

    .venv/bin/python bench/monitoring.py           # on PostgreSQL when DATABASE_URL names
                                                   # one, else SQLite (city part only)
    .venv/bin/python bench/monitoring.py --quick   # a tenth of the national dataset

Each run uses a TEMPORARY database (``ctxh_bench_monitoring_<pid>`` on PostgreSQL, dropped at
the end), filled with bulk inserts (never timed), then the demo's indicators and targets
(``ctxh.demo.monitoring.load_indicators``).

* **City** (demo-like): 168 wards and their offices, 92 facilities, 6.500 people, 5.000
  enrolments, residents' headcounts of 8 quarters, the periodic submissions of 12 quarters
  (below; about 44.900 submitted figures). Every active indicator for the city and its 168
  wards (the city value and the ward breakdown of each) < 1 s; the dashboard
  ``/monitoring/`` p95 < 300 ms; the annual report generated end to end (snapshot + Excel +
  PDF), timed for information.
* **National** (PostgreSQL): 34 provinces, 3.298 commune-level units with their offices,
  3.000 facilities, 200.000 staff, 200.000 enrolments, the periodic submissions of 12
  quarters (about 1.000.000 submitted figures, the issue's ~950.000): the full indicator set
  (city value + ward breakdown of each) < 10 s.

The submitted figures are REAL rows of the periodic submissions (``Submission`` +
``SubmissionValue``, data sets of the migration monitoring 0003), read by the app's own
``ctxh.monitoring.selectors.submissions.approved_values`` through the indicators: for the 12
quarters up to the latest one due, each ward office's ``ward_allowance`` (``total`` +
``d20_1..d20_8``: 9 figures) and each ward office's and facility's ``social_work_services``
(``total``, 4 target groups, 3 services: 8 figures). National: 3.298 × 12 × 9 + 6.298 × 12 ×
8 = 960.792 approved figures. One (organisation, quarter) in 25 was corrected: a superseded
first version with its own figures (which the reader must skip) and the approved version 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

CITY_ALL_TARGET_S = 1.0
DASHBOARD_P95_TARGET_MS = 300.0
NATIONAL_TARGET_S = 10.0
QUARTERS = 12  # three years of quarterly submissions, up to the latest period due
CORRECTED_EVERY = 25  # one (organisation, period) in 25 has a superseded first version


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _generate(*, provinces: int, wards_per_province: int, facilities: int, people: int,
              enrolments: int, rng: random.Random, tag: str) -> list:  # fmt: skip
    """Wards (the city's province first), their offices, facilities with headcounts,
    people, classes with enrolments and the periodic submissions, by bulk inserts."""
    from django.conf import settings
    from django.db import connection

    from ctxh.core.searchtext import normalize
    from ctxh.geo.models import Province, Ward
    from ctxh.organizations.models import (
        FacilityProfile,
        Kind,
        Organization,
        ResidentCount,
        TargetGroup,
    )
    from ctxh.training.models import Course, Enrollment, TrainingClass
    from ctxh.workforce.models import Person

    codes = [settings.CTXH_PROVINCE] + [900 + i for i in range(1, provinces)]
    for code in codes:
        defaults = {"name": f"Tỉnh {code}", "division_type": "tỉnh", "codename": str(code)}
        Province.objects.get_or_create(code=code, defaults=defaults)
    base = 0 if tag == "C" else 5_000_000
    wards = Ward.objects.bulk_create(
        (
            Ward(code=base + 100000 * (p + 1) + i, name=f"Phường {tag}{p}-{i}", kind="phuong",
                 codename=f"{tag}{p}-{i}", province_id=code, sort_key=f"{p:03d}{i:05d}")
            for p, code in enumerate(codes)
            for i in range(wards_per_province)
        ),
        batch_size=5000,
    )  # fmt: skip
    offices = Organization.objects.bulk_create(
        (Organization(code=f"{tag}-UB-{w.code}", name=f"UBND {w.name}", kind=Kind.WARD_OFFICE,
                      ward=w) for w in wards),
        batch_size=5000,
    )  # fmt: skip
    kinds = [Kind.PUBLIC_FACILITY, Kind.REHAB_FACILITY, Kind.PRIVATE_FACILITY]
    facility_orgs = Organization.objects.bulk_create(
        (Organization(code=f"{tag}-CS-{i}", name=f"Cơ sở {tag} {i}", kind=kinds[i % 3],
                      ward=wards[rng.randrange(len(wards))]) for i in range(facilities)),
        batch_size=5000,
    )  # fmt: skip
    FacilityProfile.objects.bulk_create(
        (FacilityProfile(organization=o, capacity=300, provides_social_work_services=i % 5 < 3)
         for i, o in enumerate(facility_orgs)),
        batch_size=5000,
    )  # fmt: skip
    others = Organization.objects.bulk_create(
        Organization(code=f"{tag}-O-{i}", name=f"Hội {tag} {i}", kind=k, ward=wards[i])
        for i, k in enumerate([Kind.ASSOCIATION, Kind.DEPARTMENT, Kind.NGO] * 20)
    )
    employers = offices[: int(len(offices) * 0.8)] + facility_orgs[: int(facilities * 0.85)]
    employers += others
    persons = Person.objects.bulk_create(
        (
            Person(full_name=f"Nguyễn Văn {tag}{i}", gender="male",
                   date_of_birth=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                   current_organization=employers[i % len(employers)],
                   staff_type="staff" if i % 4 else "collaborator",
                   search_text=normalize(f"Nguyễn Văn {tag}{i}"), sort_key=f"{i:09d}")
            for i in range(people)
        ),
        batch_size=5000,
    )  # fmt: skip
    course = Course.objects.create(code=f"{tag}-K", title="Kỹ năng", topic="Kỹ năng", hours=8,
                                   level="skills")  # fmt: skip
    today = dt.date.today()
    classes = TrainingClass.objects.bulk_create(
        (TrainingClass(course=course, code=f"{tag}-L{i}", name=f"Lớp {i}", organizer=others[0],
                       starts_on=today - dt.timedelta(days=30 + 9 * i),
                       ends_on=today - dt.timedelta(days=28 + 9 * i), capacity=500,
                       funding="state", status="closed")
         for i in range(max(10, enrolments // 200))),
        batch_size=2000,
    )  # fmt: skip
    n_classes = len(classes)
    Enrollment.objects.bulk_create(
        (Enrollment(training_class=classes[i % n_classes],
                    person=persons[(i // n_classes + 37 * (i % n_classes)) % len(persons)],
                    organization=employers[0], status="accepted", completed=i % 3 != 0,
                    match_status="registry")
         for i in range(enrolments)),
        batch_size=5000,
    )  # fmt: skip
    groups = list(TargetGroup.objects.order_by("order")[:6])
    quarter_ends = [dt.date(today.year - 2 + q // 4, 3 * (q % 4) + 1, 1) - dt.timedelta(days=1)
                    for q in range(1, 9)]  # fmt: skip
    ResidentCount.objects.bulk_create(
        (ResidentCount(facility=f, period_end=end, target_group=g, count=rng.randrange(1, 60))
         for f in facility_orgs for end in quarter_ends for g in groups),
        batch_size=5000,
    )  # fmt: skip
    _submissions(offices, facility_orgs, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return wards


def _submissions(offices: list, facilities: list, rng: random.Random) -> None:
    """The periodic submissions' approved figures, as the app keeps them: for the
    ``QUARTERS`` quarters up to the latest one due, every ward office's approved
    ``ward_allowance`` (``total`` and its 8 groups ``d20_1..d20_8``) and every ward
    office's and facility's approved ``social_work_services`` (``total``, its 4 target
    groups and the 3 services). One (organisation, period) in ``CORRECTED_EVERY`` was
    corrected: its first version is ``superseded`` (with its own figures, which the
    reader must skip) and the approved one is version 2. Bulk inserts."""
    from django.db import connection

    from ctxh.monitoring.models import DataField, DataSet, Submission, SubmissionValue
    from ctxh.monitoring.selectors.submissions import approved_values, latest_due_period

    allowance = DataSet.objects.get(code="ward_allowance")
    services = DataSet.objects.get(code="social_work_services")
    periods = [latest_due_period(allowance)]
    while len(periods) < QUARTERS:
        periods.append(allowance.bounds(periods[-1] - dt.timedelta(days=1))[0])
    periods = [(start, allowance.bounds(start)[1]) for start in reversed(periods)]

    def fields(dataset) -> dict[str, int]:
        return dict(DataField.objects.filter(dataset=dataset).values_list("code", "pk"))

    a_fields, s_fields = fields(allowance), fields(services)
    a_parts = [a_fields[f"d20_{g}"] for g in range(1, 9)]
    s_groups = [s_fields[c] for c in ("children", "elderly", "disability", "other")]
    s_services = [s_fields[c] for c in ("counselling", "case_management", "referral")]

    def allowance_values() -> list[tuple[int, int]]:
        parts = [(f, rng.randrange(0, 40)) for f in a_parts]
        return [(a_fields["total"], sum(v for _f, v in parts)), *parts]

    def services_values() -> list[tuple[int, int]]:
        parts = [(f, rng.randrange(0, 30)) for f in s_groups]
        total = sum(v for _f, v in parts)
        extra = [(f, rng.randrange(0, total + 1)) for f in s_services]
        return [(s_fields["total"], total), *parts, *extra]

    plan = [(allowance, o, allowance_values) for o in offices]
    plan += [(services, o, services_values) for o in [*offices, *facilities]]
    decided = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    table = connection.ops.quote_name(SubmissionValue._meta.db_table)
    sql = f"INSERT INTO {table} (submission_id, field_id, value) VALUES (%s, %s, %s)"
    firsts, corrections = [], []
    for dataset, org, _values in plan:
        for start, end in periods:
            corrected = rng.randrange(CORRECTED_EVERY) == 0
            common = {"dataset": dataset, "organization": org, "period_start": start,
                      "period_end": end, "submitted_at": decided,
                      "decided_at": decided}  # fmt: skip
            first = Submission(status="superseded" if corrected else "approved", **common)
            firsts.append((first, _values))
            if corrected:
                corrections.append((first, _values, common))
    Submission.objects.bulk_create([s for s, _v in firsts], batch_size=5000)
    seconds = [
        (Submission(status="approved", version=2, previous=first, **common), values)
        for first, values, common in corrections
    ]
    Submission.objects.bulk_create([s for s, _v in seconds], batch_size=5000)
    latest, expected = periods[-1][0], 0
    with connection.cursor() as cursor:
        batch: list[tuple[int, int, int]] = []
        for submission, values in [*firsts, *seconds]:
            rows = values()
            batch.extend((submission.pk, f, v) for f, v in rows)
            if (submission.dataset_id, submission.period_start) == (allowance.pk, latest):
                expected += rows[0][1] if submission.status == "approved" else 0
            if len(batch) >= 20000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    # The reader counts the approved versions only (never the superseded ones).
    found = approved_values("ward_allowance", "total", latest, periods[-1][1], by="organization")
    found = sum(found.get(o.pk, 0) for o in offices)
    assert found == expected, (found, expected)


def _all_indicators(year: int) -> tuple[float, int]:
    """Every active indicator's city value and ward breakdown, in one figures cache."""
    from ctxh.monitoring.models import Indicator
    from ctxh.monitoring.selectors.computations import figures_cache
    from ctxh.monitoring.selectors.indicators import active_indicators, indicator_value

    start = time.perf_counter()
    cells = 0
    submitted = 0.0
    with figures_cache():
        for indicator in active_indicators():
            t0 = time.perf_counter()
            indicator_value(indicator, year=year)
            cells += len(indicator_value(indicator, year=year, breakdown="ward") or {})
            if indicator.method == Indicator.Method.SUBMISSION:
                submitted += time.perf_counter() - t0
    _all_indicators.submitted = submitted
    return time.perf_counter() - start, cells


def _submission_rows() -> str:
    from ctxh.monitoring.models import Submission, SubmissionValue

    approved = Submission.objects.filter(status="approved").count()
    return (
        f"{Submission.objects.count():,} submissions ({approved:,} approved), "
        f"{SubmissionValue.objects.count():,} submitted figures"
    )


def _profile(year: int) -> None:
    """Each computation's time (city value and ward breakdown), warm."""
    from ctxh.monitoring.selectors.computations import COMPUTATIONS, figures_cache

    parts = []
    for name, func in COMPUTATIONS.items():
        func(year=year)
        start = time.perf_counter()
        with figures_cache():
            func(year=year)
            if "ward" in func.breakdowns:
                func(year=year, breakdown="ward")
        parts.append(f"{name} {1000 * (time.perf_counter() - start):.0f}")
    print("    ms per computation:", ", ".join(parts), flush=True)


def _page(client, url: str, runs: int) -> tuple[int, float, float]:
    from django.db import connection

    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return (
        len(executed),
        statistics.median(timings),
        timings[max(0, int(round(len(timings) * 0.95)) - 1)],
    )


def _annual_report(agency, programme, year: int) -> None:
    """The annual report on the city, end to end as its job runs it: the snapshot (one
    consistent read), the Excel workbook, the official document issued and its PDF
    rendered. Informative (the issue sets no target)."""
    from ctxh.monitoring.models import Report
    from ctxh.monitoring.services.reports import generate_report

    report = Report.objects.create(
        kind="annual",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        title=f"Báo cáo năm {year}",
        organization=agency,
        created_by=programme,
    )
    marks: dict[int, float] = {}
    t0 = time.perf_counter()
    generate_report(
        report, progress=lambda percent, message="": marks.setdefault(percent, time.perf_counter())
    )
    total = time.perf_counter() - t0
    snapshot, excel, pdf = marks[50] - marks[5], marks[65] - marks[50], marks[100] - marks[65]
    print(
        f"  annual report end to end  {total * 1000:7.0f} ms  (snapshot {snapshot * 1000:.0f} ms, "
        f"Excel {excel * 1000:.0f} ms, document + PDF {pdf * 1000:.0f} ms; "
        f"{len(report.snapshot['wards']['rows'])} wards)  info",
        flush=True,
    )


def run_backend(scale: float, runs: int, national: bool) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.test_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.DEBUG = False
    setup_test_environment()
    test = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(os.environ["CTXH_VAR_DIR"]) / "bench-monitoring.sqlite3")
    else:
        test["NAME"] = f"ctxh_bench_monitoring_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = 0
    rng = random.Random(2030)
    try:
        from ctxh.demo.monitoring import load_indicators
        from ctxh.organizations.models import Organization
        from ctxh.testing import make_user

        agency = Organization.objects.create(code="AGENCY", name="Sở", kind="agency")
        programme = make_user("programme_office", agency, username="programme")
        client = Client()
        client.force_login(programme)
        year = dt.date.today().year

        t0 = time.perf_counter()
        _generate(provinces=1, wards_per_province=168, facilities=92, people=6500,
                  enrolments=5000, rng=rng, tag="C")  # fmt: skip
        load_indicators()
        print(
            f"  city generated in {time.perf_counter() - t0:.1f} s on {connection.vendor} "
            f"({_submission_rows()})",
            flush=True,
        )
        _profile(year)
        elapsed, cells = _all_indicators(year)
        elapsed = min(elapsed, *(_all_indicators(year)[0] for _ in range(3)))
        ok = elapsed < CITY_ALL_TARGET_S
        failures += not ok
        print(
            f"  city: every indicator with its 168 wards ({cells} ward figures)  "
            f"{elapsed * 1000:7.0f} ms  < {CITY_ALL_TARGET_S * 1000:.0f} ms  {_verdict(ok)}",
            flush=True,
        )
        queries, p50, p95 = _page(client, "/monitoring/", runs)
        ok = p95 < DASHBOARD_P95_TARGET_MS
        failures += not ok
        print(
            f"  dashboard /monitoring/  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  < "
            f"{DASHBOARD_P95_TARGET_MS:.0f} ms ({queries} queries)  {_verdict(ok)}",
            flush=True,
        )
        queries, p50, p95 = _page(client, "/monitoring/wards/?sort=wards_with_staff", runs // 2)
        print(f"  ward table  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms ({queries} queries)")
        _annual_report(agency, programme, year)

        if national and connection.vendor == "postgresql":
            t0 = time.perf_counter()
            wards = _generate(
                provinces=34,
                wards_per_province=int(97 * scale),
                facilities=int(3000 * scale),
                people=int(200_000 * scale),
                enrolments=int(200_000 * scale),
                rng=rng,
                tag="N",
            )
            print(
                f"  national generated: {len(wards) + 168:,} commune-level units; in all "
                f"{_submission_rows()} in {time.perf_counter() - t0:.0f} s",
                flush=True,
            )
            elapsed, cells = _all_indicators(year)
            target = NATIONAL_TARGET_S
            ok = elapsed < target
            failures += not ok
            print(
                f"  national: the full indicator set ({cells} ward figures)  "
                f"{elapsed:6.2f} s  < {target:.0f} s  {_verdict(ok)}",
                flush=True,
            )
            print(
                f"    of which the submitted indicators (approved_values) "
                f"{_all_indicators.submitted * 1000:.0f} ms",
                flush=True,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--backend-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    scale = args.scale or (0.1 if args.quick else 1.0)
    runs = args.runs or (10 if args.quick else 40)
    if args.backend_only:
        return run_backend(scale, runs, national=True)
    url = os.environ.get("DATABASE_URL", "")
    with tempfile.TemporaryDirectory(prefix="ctxh-bench-monitoring-") as tmp:
        if url.startswith(("postgres://", "postgresql://")):
            label, database_url = "PostgreSQL", url
        else:
            label, database_url = (
                "SQLite (no DATABASE_URL: the national part is skipped)",
                (f"sqlite:///{tmp}/ctxh.sqlite3"),
            )
        print(f"Monitoring benchmark (national scale × {scale})\n\n{label}", flush=True)
        env = {**os.environ, "DATABASE_URL": database_url, "CTXH_VAR_DIR": tmp}
        command = [sys.executable, __file__, "--backend-only", "--scale", str(scale)]
        status = subprocess.call([*command, "--runs", str(runs)], env=env)
    print("\nresult:", "PASS" if status == 0 else "MISS")
    return status


if __name__ == "__main__":
    sys.exit(main())
