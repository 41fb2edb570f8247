"""The training at city scale: the statistics over 100.000 enrolments, the history import
of 24.000 attendance rows, and the class list.

    .venv/bin/python bench/training.py            # SQLite, and PostgreSQL too when
                                                  # DATABASE_URL names one
    .venv/bin/python bench/training.py --quick    # 20.000 enrolments, 4.000 import rows

Each backend runs in its own process on a TEMPORARY database (a SQLite file in a temporary
folder; on PostgreSQL a new database ``ctxh_bench_training_<pid>``, dropped at the end). A
synthetic registry (6.500 people in 200 organisations of every kind over 40 wards) and
1.400 classes with 100.000 accepted enrolments are written with bulk inserts (never timed).

Targets: the statistics page's selectors (totals, per year, one breakdown, the share
trained) < 300 ms on PostgreSQL (SQLite reported); the whole history import of 24.000 rows
(check + write, as the import's commit job does) < 30 s; the class list ``/training/``
p95 < 150 ms with the same number of queries as on a small database.
"""

from __future__ import annotations

import argparse
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

STATISTICS_TARGET_MS = 300.0
IMPORT_TARGET_S = 30.0
LIST_P95_TARGET_MS = 150.0


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _generate(*, people: int, classes: int, enrolments: int, tag: str = "B"):
    """A registry and classes with accepted enrolments, by bulk inserts."""
    import datetime as dt

    from ctxh.core.searchtext import normalize
    from ctxh.geo.models import Province, Ward
    from ctxh.organizations.models import Kind, Organization
    from ctxh.training.models import Course, Enrollment, TrainingClass
    from ctxh.workforce.models import Person

    rng = random.Random(2026)
    province, _ = Province.objects.get_or_create(
        code=79, defaults={"name": "Thành phố Thử", "division_type": "thành phố", "codename": "t"}
    )
    base = 970000 if tag == "S" else 971000
    wards = Ward.objects.bulk_create(
        Ward(code=base + i, name=f"Phường {tag}{i}", kind="phuong", codename=f"{tag}{i}",
             province=province)
        for i in range(40)
    )  # fmt: skip
    kinds = [k for k, _label in Kind.choices]
    orgs = Organization.objects.bulk_create(
        Organization(
            code=f"{tag}-ORG-{i:04d}",
            name=f"Tổ chức {tag} {i}",
            kind=kinds[i % len(kinds)],
            ward=wards[i % len(wards)],
        )
        for i in range(200)
    )
    persons = Person.objects.bulk_create(
        (
            Person(
                full_name=f"Nguyễn Văn {tag} {i}",
                gender="male",
                date_of_birth=dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
                current_organization=orgs[i % len(orgs)] if i % 20 else None,
                search_text=normalize(f"Nguyễn Văn {tag} {i}"),
                sort_key=f"{i:08d}",
            )
            for i in range(people)
        ),
        batch_size=2000,
    )
    courses = Course.objects.bulk_create(
        Course(code=f"{tag}-K{i}", title=f"Khóa {tag} {i}", topic=f"Chủ đề {i % 8}", hours=24,
               level="skills")
        for i in range(30)
    )  # fmt: skip
    today = dt.date.today()
    rows = []
    for i in range(classes):
        start = dt.date(2010, 1, 1) + dt.timedelta(
            days=rng.randrange((today - dt.date(2010, 1, 1)).days)
        )
        rows.append(
            TrainingClass(
                course=courses[i % len(courses)],
                code=f"{tag}-L{i:05d}",
                name=f"Lớp {tag} {i}",
                organizer=orgs[i % 17],
                starts_on=start,
                ends_on=start + dt.timedelta(days=3),
                capacity=200,
                funding="state",
                status="closed" if start < today else "open",
                historic=start.year <= 2020,
                search_text=normalize(f"{tag}-L{i:05d} Lớp {tag} {i}"),
            )
        )
    klasses = TrainingClass.objects.bulk_create(rows, batch_size=2000)
    per_class = max(1, enrolments // classes)
    weights = [1 / (i + 30) ** 0.9 for i in range(len(persons))]
    batch = []
    made = 0
    for klass in klasses:
        chosen = {p.pk: p for p in rng.choices(persons, weights=weights, k=per_class * 2)}
        for p in list(chosen.values())[:per_class]:
            if made >= enrolments:
                break
            batch.append(
                Enrollment(
                    training_class=klass,
                    person=p if made % 25 else None,
                    full_name=p.full_name,
                    organization_id=p.current_organization_id,
                    status="accepted",
                    completed=rng.random() < 0.9,
                    match_status="registry" if made % 25 else "unmatched",
                )
            )
            made += 1
        if len(batch) >= 10_000:
            Enrollment.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Enrollment.objects.bulk_create(batch, batch_size=5000)
    return persons, orgs


def _history_file(path: Path, rows: int, persons, orgs) -> Path:
    """A history workbook of ``rows`` participants in classes of 75 (a third by CCCD-less
    name and birth date of registry people, some outsiders)."""
    from ctxh.core.importing import get_kind
    from ctxh.core.importing.testing import headers_of, xlsx

    kind = get_kind("training_history")
    data = []
    for i in range(rows):
        c = i // 75
        year = 2010 + c % 11
        # Distinct people within a class (one participant appears once per class).
        p = persons[(c * 75 + (i % 75) * 83) % len(persons)]
        outsider = i % 10 == 0
        data.append(
            [
                f"IMP-{c:05d}",
                f"Lớp nhập {c}",
                f"Khóa nhập {c % 12}",
                f"Chủ đề {c % 5}",
                orgs[c % 17].code,
                f"0{1 + c % 9}/03/{year}",
                f"1{1 + c % 9}/03/{year}",
                24,
                f"Người Ngoài {i}" if outsider else p.full_name,
                "01/01/1980" if outsider else p.date_of_birth.strftime("%d/%m/%Y"),
                None,
                orgs[i % len(orgs)].code,
                "Có",
                "Có" if i % 7 else "Không",
            ]
        )
    return xlsx(path, headers_of(kind), data, title=kind.sheet_title)


def _queries_and_times(client, url: str, runs: int) -> tuple[int, float, float]:
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


def run_backend(enrolments: int, import_rows: int, runs: int) -> int:
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
        test["NAME"] = str(Path(os.environ["CTXH_VAR_DIR"]) / "bench-training.sqlite3")
    else:
        test["NAME"] = f"ctxh_bench_training_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = 0
    try:
        from ctxh.core.importing import commit, get_kind
        from ctxh.organizations.models import Organization
        from ctxh.testing import make_user
        from ctxh.training.models import Enrollment
        from ctxh.training.selectors import statistics as stats

        agency = Organization.objects.create(code="AGENCY", name="Sở", kind="agency")
        programme = make_user("programme_office", agency, username="programme")
        client = Client()
        client.force_login(programme)

        # The class list on a small database first: the big one must use as many queries.
        small_persons, small_orgs = _generate(people=300, classes=40, enrolments=2000, tag="S")
        list_small = _queries_and_times(client, "/training/", 5)[0]
        stats_small = _queries_and_times(client, "/training/statistics/?by=organizer", 3)[0]

        t0 = time.perf_counter()
        classes = max(40, enrolments // 70)
        persons, orgs = _generate(people=6500, classes=classes, enrolments=enrolments, tag="B")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        total = Enrollment.objects.count()
        print(
            f"  generated {total:,} enrolments in {classes:,} classes over 6.500 people in "
            f"{time.perf_counter() - t0:.1f} s on {connection.vendor}",
            flush=True,
        )

        def selectors():
            period = stats.Period()
            stats.totals(user=programme, period=period)
            stats.by_year(user=programme, period=period)
            stats.breakdown(user=programme, dimension="organizer", period=period)
            stats.trained_share(user=programme, years=5)

        timings = []
        for _ in range(max(5, runs // 4)):
            start = time.perf_counter()
            selectors()
            timings.append((time.perf_counter() - start) * 1000)
        best, median = min(timings), statistics.median(timings)
        ok = median < STATISTICS_TARGET_MS
        target = f"< {STATISTICS_TARGET_MS:.0f} ms"
        if connection.vendor != "postgresql":
            target += " (target on PostgreSQL)"
        else:
            failures += not ok
        print(
            f"  statistics over {total:,} enrolments (selectors)  median {median:7.1f} ms, "
            f"best {best:7.1f} ms  {target}  {_verdict(ok)}",
            flush=True,
        )
        for dimension in stats.DIMENSIONS:
            url = f"/training/statistics/?period=all&by={dimension}"
            queries, p50, p95 = _queries_and_times(client, url, max(3, runs // 8))
            ok = p95 < STATISTICS_TARGET_MS
            if connection.vendor == "postgresql":
                failures += not ok
            print(
                f"    page by {dimension:<13} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  "
                f"{queries:>3} queries  {_verdict(ok)}",
                flush=True,
            )
        queries = _queries_and_times(client, "/training/statistics/?by=organizer", 1)[0]
        ok = queries == stats_small
        failures += not ok
        print(f"    query count: {queries} (small database: {stats_small})  {_verdict(ok)}")

        # The history import: check and write 24.000 rows, as the commit job does.
        path = _history_file(
            Path(os.environ["CTXH_VAR_DIR"]) / "history.xlsx", import_rows, persons, orgs
        )
        kind = get_kind("training_history")
        from ctxh.core.importing import analyse

        check = analyse(kind, path, user=programme)
        for row in check.rejected[:5]:
            print(f"    rejected row {row.number}: {row.message}")
        start = time.perf_counter()
        summary = commit(kind, path, user=programme, filename="history.xlsx")
        elapsed = time.perf_counter() - start
        ok = elapsed < IMPORT_TARGET_S and summary["counts"]["new"] == import_rows
        failures += not ok
        print(
            f"  history import of {import_rows:,} rows (check + write)  {elapsed:7.1f} s   "
            f"< {IMPORT_TARGET_S:.0f} s  {_verdict(ok)}\n"
            f"    {summary['classes']} classes, linked {summary['linked']:,}, review "
            f"{summary['review']:,}, unmatched {summary['unmatched']:,}",
            flush=True,
        )

        queries, p50, p95 = _queries_and_times(client, "/training/", runs)
        ok = p95 < LIST_P95_TARGET_MS and queries == list_small
        failures += not ok
        print(
            f"  class list /training/   p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  < "
            f"{LIST_P95_TARGET_MS:.0f} ms; {queries} queries (small database: {list_small})  "
            f"{_verdict(ok)}",
            flush=True,
        )
        del small_persons, small_orgs
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--enrolments", type=int, default=None)
    parser.add_argument("--import-rows", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--backend-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    enrolments = args.enrolments or (20_000 if args.quick else 100_000)
    import_rows = args.import_rows or (4_000 if args.quick else 24_000)
    runs = args.runs or (10 if args.quick else 40)
    if args.backend_only:
        return run_backend(enrolments, import_rows, runs)
    targets = []
    with tempfile.TemporaryDirectory(prefix="ctxh-bench-training-") as tmp:
        targets.append(("SQLite", f"sqlite:///{tmp}/ctxh.sqlite3"))
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            targets.append(("PostgreSQL", url))
        print(
            f"Training benchmark: {enrolments:,} enrolments, a history import of "
            f"{import_rows:,} rows"
        )
        status = 0
        for label, database_url in targets:
            print(f"\n{label}", flush=True)
            env = {**os.environ, "DATABASE_URL": database_url, "CTXH_VAR_DIR": tmp}
            command = [sys.executable, __file__, "--backend-only"]
            command += ["--enrolments", str(enrolments), "--import-rows", str(import_rows)]
            command += ["--runs", str(runs)]
            status |= subprocess.call(command, env=env)
    print("\nresult:", "PASS" if status == 0 else "MISS")
    return status


if __name__ == "__main__":
    sys.exit(main())
