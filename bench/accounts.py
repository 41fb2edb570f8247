"""Account administration at scale: the account list at 20,000 accounts and the Excel
import of 5,000 student accounts.

    .venv/bin/python bench/accounts.py            # SQLite, and PostgreSQL too when
                                                  # DATABASE_URL names one
    .venv/bin/python bench/accounts.py --quick    # 2,000 accounts / 500 students

Each backend runs in its own process on a TEMPORARY database (a SQLite file in a temporary
folder; on PostgreSQL a new database ``ctxh_bench_accounts_<pid>``, dropped at the end).
Targets: list pages p95 < 150 ms with the same number of queries at 200 accounts and at
the full size; the import (analyse + commit, invitations to the locmem outbox) < 30 s.
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
IMPORT_TARGET_S = 30.0
PAGES = {
    "list, first page": "/accounts/members/",
    "list, page 100": "/accounts/members/?page=100",
    "list, sorted by last sign-in": "/accounts/members/?sort=-last_login",
    "search 'nguyen van'": "/accounts/members/?q=nguyen+van",
    "filter students": "/accounts/members/?role=student",
    "filter locked": "/accounts/members/?locked=yes",
    "filter never signed in": "/accounts/members/?never_logged_in=yes",
}


def _add_accounts(target: int, orgs) -> None:
    from ctxh.accounts.models import Membership, User
    from ctxh.demo.workforce import FAMILY, GIVEN, MIDDLE

    start = User.objects.count()
    users, roles = [], []
    for i in range(start, target):
        gender = "female" if i % 2 else "male"
        name = f"{FAMILY[i % len(FAMILY)]} {MIDDLE[gender][i % len(MIDDLE[gender])]} "
        name += GIVEN[gender][i % len(GIVEN[gender])]
        user = User(username=f"u{i:06d}", full_name=name, email=f"u{i}@example.vn")
        user.set_unusable_password()
        user.refresh_search_text()
        users.append(user)
    User.objects.bulk_create(users, batch_size=2000)
    for i, user in enumerate(User.objects.filter(username__in=[u.username for u in users])):
        org, role = orgs[i % len(orgs)]
        roles.append(Membership(user=user, organization=org, role=role))
    Membership.objects.bulk_create(roles, batch_size=2000)


def _queries(client, url: str) -> int:
    from django.db import connection

    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(executed)


def _measure(client, url: str, runs: int) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(round(len(timings) * 0.95)) - 1)]


def run_backend(accounts: int, students: int, runs: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.test_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.DEBUG = False
    setup_test_environment()  # locmem mail: the invitations land in the outbox
    test = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(os.environ["CTXH_VAR_DIR"]) / "bench.sqlite3")
    else:
        test["NAME"] = f"ctxh_bench_accounts_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = 0
    try:
        from django.core import mail

        from ctxh.accounts.models import User
        from ctxh.core.importing import analyse, get_kind, write
        from ctxh.core.importing.testing import headers_of, raw_xlsx
        from ctxh.organizations.models import Organization
        from ctxh.testing import make_user

        agency = Organization.objects.create(code="AGENCY", name="Sở", kind="agency")
        schools = [
            Organization.objects.create(code=f"SCHOOL-{i}", name=f"Trường {i}", kind="school")
            for i in range(7)
        ]
        facilities = [
            Organization.objects.create(
                code=f"CS-{i:03d}", name=f"Cơ sở {i}", kind="public_facility"
            )
            for i in range(90)
        ]
        orgs = [(s, "student") for s in schools] * 6 + [(f, "field_instructor") for f in facilities]
        programme = make_user("programme_office", agency, username="programme")
        client = Client()
        client.force_login(programme)
        _add_accounts(200, orgs)
        small = {url: _queries(client, url) for url in PAGES.values()}
        t0 = time.perf_counter()
        _add_accounts(accounts, orgs)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(
            f"  {User.objects.count():,} accounts in {time.perf_counter() - t0:.1f} s"
            f" on {connection.vendor}",
            flush=True,
        )
        print(f"  {'page':<32}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}  verdict")
        for name, url in PAGES.items():
            queries = _queries(client, url)
            p50, p95 = _measure(client, url, runs)
            ok = p95 < P95_TARGET_MS and queries == small[url]
            failures += not ok
            note = "" if queries == small[url] else f" (was {small[url]} queries)"
            print(
                f"  {name:<32}{p50:>8.1f}{p95:>8.1f}{queries:>9}  {'PASS' if ok else 'MISS'}{note}",
                flush=True,
            )

        coordinator = make_user("school_coordinator", schools[0], username="coordinator")
        kind = get_kind("accounts")
        rows = (
            [f"sv{i:05d}", f"Sinh Viên {i}", f"sv{i}@truong.edu.vn", "", "SCHOOL-0", "Sinh viên"]
            for i in range(students)
        )
        path = raw_xlsx(Path(os.environ["CTXH_VAR_DIR"]) / "students.xlsx", headers_of(kind), rows)
        mail.outbox = []
        t0 = time.perf_counter()
        analysis = analyse(kind, path, user=coordinator)
        analysed = time.perf_counter() - t0
        summary = write(analysis, user=coordinator, filename="students.xlsx")
        elapsed = time.perf_counter() - t0
        ok = (
            elapsed < IMPORT_TARGET_S
            and summary.get("accounts_created") == students
            and len(mail.outbox) == students
        )
        failures += not ok
        print(
            f"  import of {students:,} student accounts: analyse {analysed:.1f} s, "
            f"total {elapsed:.1f} s (target < {IMPORT_TARGET_S:.0f} s), "
            f"{len(mail.outbox):,} invitations  {'PASS' if ok else 'MISS'}",
            flush=True,
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--accounts", type=int, default=None)
    parser.add_argument("--students", type=int, default=None)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--backend-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    accounts = args.accounts or (2_000 if args.quick else 20_000)
    students = args.students or (500 if args.quick else 5_000)
    runs = args.runs or (10 if args.quick else 40)
    if args.backend_only:
        return run_backend(accounts, students, runs)
    targets = []
    with tempfile.TemporaryDirectory(prefix="ctxh-bench-accounts-") as tmp:
        targets.append(("SQLite", f"sqlite:///{tmp}/ctxh.sqlite3"))
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            targets.append(("PostgreSQL", url))
        print(f"Accounts benchmark: {accounts:,} accounts, {students:,} students imported")
        status = 0
        for label, database_url in targets:
            print(f"\n{label}", flush=True)
            env = {**os.environ, "DATABASE_URL": database_url, "CTXH_VAR_DIR": tmp}
            command = [sys.executable, __file__, "--backend-only", "--accounts", str(accounts)]
            command += ["--students", str(students), "--runs", str(runs)]
            status |= subprocess.call(command, env=env)
    print("\nresult:", "PASS" if status == 0 else "MISS")
    return status


if __name__ == "__main__":
    sys.exit(main())
