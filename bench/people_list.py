"""People list and search at 50,000 people: p95 and query counts through the test client.

    .venv/bin/python bench/people_list.py            # 50,000 people (SQLite, and PostgreSQL
                                                     # too when DATABASE_URL names one)
    .venv/bin/python bench/people_list.py --quick    # 2,000 people, a smoke run

Each backend runs in its own process on a TEMPORARY database (a SQLite file in a temporary
folder; on PostgreSQL a new database ``ctxh_bench_people_<pid>`` on the server DATABASE_URL
names, dropped at the end), so no one's data is touched. The demo city is loaded (its
organisations and ~6,500 people), then people are added in bulk up to the target. Each page
is requested as the programme office (everyone visible: the worst case) and as a facility
manager, ``--runs`` times; the p50/p95 and the number of SQL queries are printed with
PASS/MISS against the targets: p95 < 150 ms, and the same number of queries at the demo's
size and at the full size (the list's query count does not grow with rows).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

P95_TARGET_MS = 150.0
PAGES = {
    "list, first page": "/workforce/",
    "list, sorted by organisation": "/workforce/?sort=current_organization",
    "list, page 200": "/workforce/?page=200",
    "list, last page": "/workforce/?page=2000",
    "search 'nguyen van an'": "/workforce/?q=nguyen+van+an",
    "search 'thu' + sector + title": "/workforce/?q=thu&sector=facilities&title=V.09.04.02",
    "filter field instructors": "/workforce/?field_instructor=yes",
}


def _add_people(target: int) -> int:
    """Bring the registry up to ``target`` people (plain bulk inserts; never timed)."""
    import datetime as dt
    import random

    from ctxh.demo.workforce import FAMILY, GIVEN, MIDDLE
    from ctxh.organizations.models import Organization
    from ctxh.workforce.cccd import compose_cccd
    from ctxh.workforce.models import Employment, Person

    rng = random.Random(50_000)
    orgs = list(Organization.objects.exclude(kind="school").order_by("id"))
    missing = target - Person.objects.count()
    batch: list[tuple[Person, Organization]] = []

    def flush() -> None:
        Person.objects.bulk_create([p for p, _ in batch], batch_size=500)
        Employment.objects.bulk_create(
            [
                Employment(person=p, organization=o, start_date=dt.date(2020, 1, 1))
                for p, o in batch
            ],
            batch_size=500,
        )
        batch.clear()

    for i in range(max(0, missing)):
        gender = rng.choice(["male", "female"])
        year = rng.randint(1966, 2003)
        org = rng.choice(orgs)
        person = Person(
            full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} "
            f"{rng.choice(GIVEN[gender])}",
            gender=gender,
            date_of_birth=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            cccd=compose_cccd(province=79, gender=gender, birth_year=year, serial=500_000 + i),
            education_level=rng.choice(["college", "bachelor", "master"]),
            major=rng.choice(["social_work", "other"]),
            professional_title=rng.choice(["", "", "V.09.04.02", "V.09.04.03"]),
            staff_type=rng.choice(["staff", "staff", "collaborator"]),
            current_organization=org,
        )
        person.refresh_search_text()
        batch.append((person, org))
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()
    return max(0, missing)


def _trim_people(target: int) -> int:
    """Remove people beyond ``target`` (a quick run is smaller than the demo)."""
    from ctxh.workforce.models import Person

    extra = list(Person.objects.order_by("id").values_list("id", flat=True)[target:])
    for start in range(0, len(extra), 500):
        Person.objects.filter(pk__in=extra[start : start + 500]).delete()
    return len(extra)


def _queries(client, url: str) -> tuple[int, bool]:
    """(number of SQL queries, whether the page lists nobody) of one request."""
    from django.db import connection

    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(executed), b'data-testid="count">0<' in response.content


def _measure(client, url: str, runs: int) -> tuple[float, float, int, bool]:
    queries, empty = _queries(client, url)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[max(0, int(round(len(timings) * 0.95)) - 1)]
    return statistics.median(timings), p95, queries, empty


def run_backend(people: int, runs: int) -> int:
    """Run inside one process, on the database DATABASE_URL names (see :func:`main`)."""
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
        test["NAME"] = str(Path(os.environ["CTXH_VAR_DIR"]) / "bench.sqlite3")
    else:
        test["NAME"] = f"ctxh_bench_people_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = 0
    try:
        from ctxh.accounts.models import User
        from ctxh.demo.loader import load_demo
        from ctxh.workforce.models import Person

        t0 = time.perf_counter()
        load_demo(password="Bench-pass-2026")
        print(f"  demo loaded in {time.perf_counter() - t0:.1f} s", flush=True)
        clients = {}
        for username in ("programme", "facility1"):
            client = Client()
            client.force_login(User.objects.get(username=username))
            clients[username] = client
        # Query counts at the demo's size, compared below with those at the measured size.
        small = {
            (who, url): _queries(c, url) for who, c in clients.items() for url in PAGES.values()
        }
        t0 = time.perf_counter()
        added = _add_people(people) - _trim_people(people)
        total = Person.objects.count()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # what autovacuum does after a bulk load
                cursor.execute("VACUUM ANALYZE")
        print(
            f"  {added:+,} people in {time.perf_counter() - t0:.1f} s; {total:,} in all"
            f" on {connection.vendor}",
            flush=True,
        )
        print(f"  {'page':<34}{'as':<11}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}  verdict")
        for who, client in clients.items():
            first_page = _queries(client, PAGES["list, first page"])[0]
            for name, url in PAGES.items():
                p50, p95, queries, empty = _measure(client, url, runs)
                before, was_empty = small[(who, url)]
                # A page that lists nobody skips the page query: compare it with the first page.
                constant = queries <= first_page if empty or was_empty else queries == before
                ok = p95 < P95_TARGET_MS and constant
                failures += not ok
                note = "" if constant else f" (was {before} queries)"
                print(
                    f"  {name:<34}{who:<11}{p50:>8.1f}{p95:>8.1f}{queries:>9}  "
                    f"{'PASS' if ok else 'MISS'}{note}",
                    flush=True,
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 people instead of 50,000")
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None, help="requests per page")
    parser.add_argument("--backend-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    people = args.people or (2_000 if args.quick else 50_000)
    runs = args.runs or (10 if args.quick else 40)
    if args.backend_only:
        return run_backend(people, runs)

    targets = []
    with tempfile.TemporaryDirectory(prefix="ctxh-bench-people-") as tmp:
        targets.append(("SQLite", f"sqlite:///{tmp}/ctxh.sqlite3"))
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            targets.append(("PostgreSQL", url))
        print(f"People list benchmark: {people:,} people, {runs} requests per page")
        print(f"target: p95 < {P95_TARGET_MS:.0f} ms and a constant number of queries")
        status = 0
        for label, database_url in targets:
            print(f"\n{label}", flush=True)
            env = {**os.environ, "DATABASE_URL": database_url, "CTXH_VAR_DIR": tmp}
            command = [sys.executable, __file__, "--backend-only", "--people", str(people)]
            command += ["--runs", str(runs)]
            status |= subprocess.call(command, env=env)
    print("\nresult:", "PASS" if status == 0 else "MISS")
    return status


if __name__ == "__main__":
    sys.exit(main())
