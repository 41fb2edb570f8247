"""Sites, instructors and schools compared across years, at the city's scale over time:
5 years × 10.000 placements with their outcomes, hours, ratings and grades.

    .venv/bin/python bench/practicum_comparisons.py   # SQLite, and PostgreSQL too when
                                                      # DATABASE_URL names one

Each backend runs in its own process on a TEMPORARY database (as bench/practicum.py).
The data are written with bulk inserts (never timed): 60 facilities, 300 instructors,
7 schools, 10.000 students a year (accounts reused across years), each placement with an
approved logbook entry and a decided one, the students' ratings of the site and the
instructor, and a grade for the completed ones.

Target: each comparison (facilities, instructors, schools; by year and by period) over
the whole 5 years < 500 ms on PostgreSQL (SQLite is printed too), with the same number of
queries as on a world of a few placements.
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

TARGET_MS = 500.0


def _world(tag: str, years: int, per_year: int, rng: random.Random):
    """``years`` closed periods of ``per_year`` placements each (see the docstring)."""
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from ctxh.accounts.models import User
    from ctxh.organizations.models import Organization
    from ctxh.practicum.models import (
        Evaluation,
        Grade,
        LogEntry,
        Offer,
        PeriodInstructor,
        Placement,
        PlacementPeriod,
        Round,
        Rubric,
        Student,
    )
    from ctxh.workforce.models import FieldInstructor, Person

    agency = Organization.objects.get_or_create(
        code="BENCH-AGENCY", defaults={"name": "Sở", "kind": "agency"}
    )[0]
    n_fac, n_sch = (60, 7) if per_year > 100 else (3, 2)
    schools = Organization.objects.bulk_create(
        Organization(code=f"S-{tag}-{i}", name=f"Trường {tag} {i}", kind="school")
        for i in range(n_sch)
    )
    facilities = Organization.objects.bulk_create(
        Organization(code=f"F-{tag}-{i}", name=f"Cơ sở {tag} {i}", kind="public_facility")
        for i in range(n_fac)
    )
    rubrics = {
        s.pk: Rubric.objects.create(school=s, name="Bảng", grade_min=0, grade_max=10)
        for s in schools
    }
    people = Person.objects.bulk_create(
        Person(full_name=f"Kiểm huấn viên {tag} {i}") for i in range(n_fac * 5)
    )
    instructors = FieldInstructor.objects.bulk_create(
        FieldInstructor(person=p, max_students=30) for p in people
    )
    password = make_password("bench-pass-1")
    users = User.objects.bulk_create(
        User(username=f"b{tag}{i}", password=password) for i in range(per_year)
    )
    types = ["casework", "group_work", "community", "graduation"]
    start_year = timezone.localdate().year - years
    S = Placement.Status
    for y in range(years):
        starts = dt.date(start_year + y, 9, 1)
        proposed = timezone.make_aware(dt.datetime(start_year + y, 8, 1, 9))
        period = PlacementPeriod.objects.create(
            organizer=agency,
            name=f"Kỳ {tag} {starts.year}",
            starts_on=starts,
            ends_on=starts + dt.timedelta(weeks=15),
            preference_deadline=proposed - dt.timedelta(days=5),
            acceptance_deadline=proposed + dt.timedelta(days=15),
            status=PlacementPeriod.Status.CLOSED,
        )
        rounds = Round.objects.bulk_create(
            Round(
                period=period,
                school=s,
                name=f"Đợt {t}",
                practice_type=t,
                level="university_3",
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                required_hours=180,
            )
            for s in schools
            for t in types
        )
        offers = {
            (f.pk, t): o
            for o in Offer.objects.bulk_create(
                Offer(
                    period=period,
                    facility=f,
                    practice_type=t,
                    level="university_3",
                    seats=500,
                    status="published",
                )
                for f in facilities
                for t in types
            )
            for (f, t) in [(o.facility, o.practice_type)]
        }
        pis = PeriodInstructor.objects.bulk_create(
            PeriodInstructor(period=period, facility=facilities[i // 5], instructor=fi, capacity=30)
            for i, fi in enumerate(instructors)
        )
        students = Student.objects.bulk_create(
            (
                Student(
                    round=r,
                    period=period,
                    school_id=r.school_id,
                    user=u,
                    student_code=f"{tag}{y}-{i}",
                    full_name=f"Sinh viên {i}",
                    gender="female",
                )
                for i, (u, r) in enumerate(zip(users, (rounds * per_year)[:per_year]))
            ),
            batch_size=2000,
        )
        placements = []
        for st in students:
            fi = rng.randrange(len(facilities))
            status = rng.choices(
                [S.COMPLETED, S.INTERRUPTED, S.DECLINED, S.WITHDRAWN], [80, 6, 10, 4]
            )[0]
            placements.append(
                Placement(
                    student=st,
                    offer=offers[(facilities[fi].pk, st.round.practice_type)],
                    period=period,
                    school_id=st.school_id,
                    facility=facilities[fi],
                    instructor=pis[fi * 5 + rng.randrange(5)] if status != S.DECLINED else None,
                    rank=rng.choice([1, 1, 1, 2, 3, None]),
                    status=status,
                    proposed_at=proposed,
                    decided_at=proposed + dt.timedelta(days=rng.randint(0, 9), hours=3),
                )
            )
        Placement.objects.bulk_create(placements, batch_size=2000)
        entries, evaluations, grades = [], [], []
        for p in placements:
            if p.status not in (S.COMPLETED, S.INTERRUPTED):
                continue
            sent = proposed + dt.timedelta(days=40)
            for hours, status in ((Decimal(8), "approved"), (Decimal(6), "returned")):
                entries.append(
                    LogEntry(
                        placement=p,
                        date=starts + dt.timedelta(days=10),
                        hours=hours,
                        activity="casework",
                        description="x",
                        status=status,
                        submitted_at=sent,
                        decided_at=sent + dt.timedelta(hours=rng.randint(2, 200)),
                    )
                )
            if p.status == S.COMPLETED:
                rubric = rubrics[p.school_id]
                for kind in ("student_site", "student_instructor"):
                    evaluations.append(
                        Evaluation(
                            placement=p,
                            kind=kind,
                            rubric=rubric,
                            rating=rng.randint(1, 5),
                            comment="",
                            submitted_at=sent,
                        )
                    )
                grades.append(
                    Grade(
                        placement=p,
                        rubric=rubric,
                        value=Decimal(rng.randint(30, 100)) / 10,
                        recorded_at=sent,
                    )
                )
        LogEntry.objects.bulk_create(entries, batch_size=2000)
        Evaluation.objects.bulk_create(evaluations, batch_size=2000)
        Grade.objects.bulk_create(grades, batch_size=2000)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def run_backend(years: int, per_year: int, runs: int) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.test_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    settings.DEBUG = False
    setup_test_environment()
    test = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(os.environ["CTXH_VAR_DIR"]) / "bench-comparisons.sqlite3")
    else:
        test["NAME"] = f"ctxh_bench_comparisons_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    failures = 0
    try:
        from ctxh.practicum.models import Placement
        from ctxh.practicum.selectors import comparisons as cmp
        from ctxh.testing import make_user

        rng = random.Random(11)
        user = make_user("programme_office", None, username="bench-programme")
        from ctxh.accounts.models import Membership
        from ctxh.organizations.models import Organization

        _world("small", 2, 12, rng)
        agency = Organization.objects.get(code="BENCH-AGENCY")
        Membership.objects.create(user=user, organization=agency, role="programme_office")
        user = type(user).objects.get(pk=user.pk)
        cases = [
            (f"{name} by {by}", selector, cmp.Selection(by=by))
            for name, selector in (
                ("facilities", cmp.facility_comparison),
                ("instructors", cmp.instructor_comparison),
                ("schools", cmp.school_comparison),
            )
            for by in ("year", "period")
        ]
        small = {}
        for label, selector, sel in cases:
            selector(user=user, selection=sel)  # the user's memberships, read once
            with CaptureQueriesContext(connection) as ctx:
                selector(user=user, selection=sel)
            small[label] = len(ctx.captured_queries)
        t0 = time.perf_counter()
        _world("big", years, per_year, rng)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        print(
            f"  generated {Placement.objects.count()} placements over {years} years in "
            f"{time.perf_counter() - t0:.1f} s on {connection.vendor}",
            flush=True,
        )
        for label, selector, sel in cases:
            with CaptureQueriesContext(connection) as ctx:
                table = selector(user=user, selection=sel)
            queries = len(ctx.captured_queries)
            timings = []
            for _ in range(runs):
                start = time.perf_counter()
                selector(user=user, selection=sel)
                timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            median, worst = statistics.median(timings), timings[-1]
            target = connection.vendor != "postgresql" or worst < TARGET_MS
            ok = target and queries == small[label]
            failures += not ok
            print(
                f"  {label:<22} {len(table.rows):>5} rows: median {median:7.1f} ms, "
                f"worst {worst:7.1f} ms (< {TARGET_MS:.0f} ms on PostgreSQL), "
                f"{queries} queries (small world: {small[label]})  {_verdict(ok)}",
                flush=True,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--per-year", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backend-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend_only:
        return run_backend(args.years, args.per_year, args.runs)
    status = 0
    with tempfile.TemporaryDirectory(prefix="ctxh-bench-comparisons-") as tmp:
        targets = [("SQLite", f"sqlite:///{tmp}/ctxh.sqlite3")]
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            targets.append(("PostgreSQL", url))
        print(
            f"Comparisons benchmark: {args.years} years × {args.per_year} placements "
            "(facilities, instructors, schools)"
        )
        for label, database_url in targets:
            print(f"\n{label}", flush=True)
            env = {**os.environ, "DATABASE_URL": database_url, "CTXH_VAR_DIR": tmp}
            command = [sys.executable, __file__, "--backend-only"]
            command += ["--years", str(args.years), "--per-year", str(args.per_year)]
            command += ["--runs", str(args.runs)]
            status |= subprocess.call(command, env=env)
    print("\nresult:", "PASS" if status == 0 else "MISS")
    return status


if __name__ == "__main__":
    sys.exit(main())
