"""The logbook at an instructor's scale: one field instructor with 30 students × 60 entries.

    .venv/bin/python bench/practicum_logbook.py     # SQLite, and PostgreSQL too when
                                                    # DATABASE_URL names one

Each backend runs in its own process on a TEMPORARY database (as bench/practicum.py).
The 60 entries of each student are 12 weeks × 5 days; the last two weeks wait for
approval (300 entries on the page), the older ones are approved. Written with bulk
inserts (never timed).

Targets: the instructor's approval page p95 < 150 ms, with the same number of queries as
for 3 students × 6 entries; approving a whole week for the 30 students (150 entries, one
action) < 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

PAGE_P95_MS = 150.0
WEEK_TARGET_S = 1.0


def _world(tag: str, students: int, weeks: int):
    """An instructor with ``students`` students in practice, 5 entries a week for
    ``weeks`` weeks each (the last two weeks submitted). Returns (user, this Monday)."""
    from decimal import Decimal

    from django.utils import timezone

    from ctxh.organizations.models import Organization
    from ctxh.practicum.models import (
        LogEntry,
        Offer,
        PeriodInstructor,
        Placement,
        PlacementPeriod,
        Round,
        Student,
    )
    from ctxh.testing import make_user
    from ctxh.workforce.models import FieldInstructor, Person

    now = timezone.now()
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    agency = Organization.objects.get_or_create(
        code="BENCH-AGENCY", defaults={"name": "Sở", "kind": "agency"}
    )[0]
    school = Organization.objects.create(code=f"S-{tag}", name=f"Trường {tag}", kind="school")
    facility = Organization.objects.create(
        code=f"F-{tag}", name=f"Cơ sở {tag}", kind="public_facility"
    )
    period = PlacementPeriod.objects.create(
        organizer=agency,
        name=f"Kỳ {tag}",
        starts_on=monday - dt.timedelta(weeks=weeks + 1),
        ends_on=today + dt.timedelta(days=60),
        preference_deadline=now - dt.timedelta(days=200),
        acceptance_deadline=now - dt.timedelta(days=190),
        status=PlacementPeriod.Status.CLOSED,
    )
    rnd = Round.objects.create(
        period=period,
        school=school,
        name="Đợt",
        practice_type="casework",
        level="university_3",
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        required_hours=400,
    )
    offer = Offer.objects.create(
        period=period,
        facility=facility,
        practice_type="casework",
        level="university_3",
        seats=students,
        status=Offer.Status.PUBLISHED,
        published_at=now,
    )
    user = make_user("field_instructor", facility, username=f"instructor-{tag}")
    person = Person.objects.create(full_name=f"Kiểm Huấn Viên {tag}", gender="female")
    fi = FieldInstructor.objects.create(person=person, user=user, max_students=30)
    pi = PeriodInstructor.objects.create(
        period=period, facility=facility, instructor=fi, capacity=students
    )
    entries = []
    for i in range(students):
        student = Student.objects.create(
            round=rnd,
            user=make_user("student", school, username=f"sv-{tag}-{i}"),
            student_code=f"SV{i:04d}",
            full_name=f"Sinh Viên {i:02d}",
            gender="female",
        )
        placement = Placement.objects.create(
            student=student,
            offer=offer,
            period=period,
            school=school,
            facility=facility,
            instructor=pi,
            status=Placement.Status.ACCEPTED,
            proposed_at=now - dt.timedelta(days=100),
        )
        for week in range(1, weeks + 1):
            start = monday - dt.timedelta(weeks=week)
            waiting = week <= 2
            for day in range(5):
                date = start + dt.timedelta(days=day)
                submitted = now - dt.timedelta(days=(today - date).days - 1)
                entries.append(
                    LogEntry(
                        placement=placement,
                        date=date,
                        hours=Decimal("6.5"),
                        activity="casework",
                        description="Vãng gia, lập hồ sơ, trao đổi với kiểm huấn viên",
                        status=LogEntry.Status.SUBMITTED if waiting else LogEntry.Status.APPROVED,
                        submitted_at=submitted,
                        decided_at=None if waiting else submitted + dt.timedelta(days=1),
                        decided_by=None if waiting else user,
                    )
                )
    LogEntry.objects.bulk_create(entries, batch_size=2000)
    return user, monday


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx)


def _measure(client, url: str, runs: int) -> tuple[float, float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    timings.sort()
    return statistics.median(timings), timings[max(0, int(round(len(timings) * 0.95)) - 1)]


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def run_backend(students: int, weeks: int, runs: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.test_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    settings.DEBUG = False
    setup_test_environment()
    test = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(os.environ["CTXH_VAR_DIR"]) / "bench-logbook.sqlite3")
    else:
        test["NAME"] = f"ctxh_bench_logbook_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = 0
    try:
        from ctxh.practicum.models import LogEntry
        from ctxh.practicum.services.logbook import week_approve

        url = reverse("practicum:approvals")
        small_user, _monday = _world("small", 3, 2)
        client = Client()
        client.force_login(small_user)
        client.get(url)
        small_queries = _queries(client, url)

        t0 = time.perf_counter()
        user, monday = _world("big", students, weeks)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        total = LogEntry.objects.filter(placement__instructor__instructor__user=user).count()
        waiting = LogEntry.objects.filter(
            placement__instructor__instructor__user=user, status="submitted"
        ).count()
        print(
            f"  generated {students} students × {total // students} entries ({waiting} waiting) "
            f"in {time.perf_counter() - t0:.1f} s on {connection.vendor}",
            flush=True,
        )
        client = Client()
        client.force_login(user)
        client.get(url)
        queries = _queries(client, url)
        p50, p95 = _measure(client, url, runs)
        ok = p95 < PAGE_P95_MS and queries == small_queries
        failures += not ok
        print(
            f"  approval page: p50 {p50:.1f} ms, p95 {p95:.1f} ms (< {PAGE_P95_MS:.0f} ms), "
            f"{queries} queries (3 students × 6 entries: {small_queries})  {_verdict(ok)}",
            flush=True,
        )
        week = monday - dt.timedelta(weeks=1)
        start = time.perf_counter()
        count = week_approve(instructor_user=user, week_start=week, by=user)
        elapsed = time.perf_counter() - start
        ok = elapsed < WEEK_TARGET_S and count == students * 5
        failures += not ok
        print(
            f"  approve a week for {students} students ({count} entries): "
            f"{elapsed * 1000:.0f} ms (< {WEEK_TARGET_S * 1000:.0f} ms)  {_verdict(ok)}",
            flush=True,
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--weeks", type=int, default=12)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--backend-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend_only:
        return run_backend(args.students, args.weeks, args.runs)
    status = 0
    with tempfile.TemporaryDirectory(prefix="ctxh-bench-logbook-") as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/ctxh.sqlite3")]
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            targets.append(("PostgreSQL", url))
        print(
            f"Logbook benchmark: one field instructor, {args.students} students × "
            f"{args.weeks * 5} entries"
        )
        for label, database_url in targets:
            print(f"\n{label}", flush=True)
            env = {**os.environ, "DATABASE_URL": database_url, "CTXH_VAR_DIR": tmp}
            command = [sys.executable, __file__, "--backend-only"]
            command += ["--students", str(args.students), "--weeks", str(args.weeks)]
            command += ["--runs", str(args.runs)]
            status |= subprocess.call(command, env=env)
    print("\nresult:", "PASS" if status == 0 else "MISS")
    return status


if __name__ == "__main__":
    sys.exit(main())
