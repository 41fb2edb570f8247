"""The facility's proposals page with 10.000 placements in the period: p95 and queries.

Builds a fresh database (SQLite in a temporary folder, or the PostgreSQL named by
BENCH_DATABASE_URL), migrates it, creates one period at the acceptance stage with 7
schools, 60 facilities and 10.000 proposed placements (one facility has 300 of them),
then requests the proposals page as that facility's manager (first and last page) and as
the programme office, N times each. The query count must not grow with the rows: the same
page for a facility with 30 proposals is counted too. Usage:

    python bench/practicum_pages.py [--runs 50] [--placements 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

P95_TARGET_MS = 200


def build(total: int, big: int = 300, small: int = 30):
    """The period, its schools, facilities, offers, students and proposals (bulk)."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from ctxh.accounts.models import Membership, User
    from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
    from ctxh.practicum.models import (
        Offer,
        PeriodInstructor,
        Placement,
        PlacementPeriod,
        Round,
        Student,
    )
    from ctxh.workforce.models import FieldInstructor
    from ctxh.workforce.tests.factories import PersonFactory

    now = timezone.now()
    today = timezone.localdate()
    agency = OrganizationFactory(code="BENCH-AGENCY", kind="agency", name="Sở")
    schools = [
        OrganizationFactory(code=f"BENCH-SCH-{i}", kind="school", name=f"Trường {i}")
        for i in range(7)
    ]
    facilities = [
        FacilityFactory(code=f"BENCH-FAC-{i:02d}", name=f"Cơ sở {i:02d}") for i in range(60)
    ]
    period = PlacementPeriod.objects.create(
        organizer=agency,
        name="Kỳ đo",
        starts_on=today,
        ends_on=today + dt.timedelta(days=90),
        preference_deadline=now - dt.timedelta(days=10),
        acceptance_deadline=now + dt.timedelta(days=10),
        status=PlacementPeriod.Status.ACCEPTANCE,
    )
    rounds = [
        Round.objects.create(
            period=period,
            school=s,
            name=f"Đợt {s.name}",
            practice_type="casework",
            level="university_3",
            starts_on=period.starts_on,
            ends_on=period.ends_on,
            required_hours=200,
        )
        for s in schools
    ]
    offers = [
        Offer.objects.create(
            period=period,
            facility=f,
            practice_type="casework",
            level="university_3",
            seats=400,
            status=Offer.Status.PUBLISHED,
            published_at=now,
        )
        for f in facilities
    ]
    for offer in offers[:2]:  # the measured facilities: three instructors each
        for _ in range(3):
            fi = FieldInstructor.objects.create(person=PersonFactory(), max_students=10)
            offer.instructors.add(
                PeriodInstructor.objects.create(
                    period=period, facility=offer.facility, instructor=fi, capacity=10
                )
            )
    password = make_password("Bench-pass-2026")
    users = User.objects.bulk_create(
        [
            User(username=f"sv{i:05d}", password=password, full_name=f"Sinh Viên {i:05d}")
            for i in range(total)
        ],
        batch_size=2000,
    )
    students = Student.objects.bulk_create(
        [
            Student(
                round=rounds[i % 7],
                period=period,
                school_id=rounds[i % 7].school_id,
                user=u,
                student_code=f"SV{i:05d}",
                full_name=u.full_name,
                gender="female",
                sort_key=u.full_name.lower(),
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )

    def facility_of(i: int) -> int:
        if i < big:
            return 0
        if i < big + small:
            return 1
        return 2 + i % 58

    Placement.objects.bulk_create(
        [
            Placement(
                student=s,
                offer=offers[facility_of(i)],
                period=period,
                school_id=s.school_id,
                facility=facilities[facility_of(i)],
                rank=1 + i % 3,
                proposed_at=now - dt.timedelta(days=i % 9, minutes=i),
            )
            for i, s in enumerate(students)
        ],
        batch_size=2000,
    )
    managers = []
    for f in facilities[:2]:
        m = User.objects.create_user(username=f"ql-{f.code}", password="Bench-pass-2026")
        Membership.objects.create(user=m, organization=f, role="facility_manager")
        managers.append(m)
    programme = User.objects.create_user(username="programme", password="Bench-pass-2026")
    Membership.objects.create(user=programme, organization=agency, role="programme_office")
    return period, facilities, managers, programme


def measure(client, url: str, runs: int) -> tuple[float, float, int]:
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
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, len(executed)


def proposals_page(runs: int = 50, total: int = 10_000) -> bool:
    """Time the facility's proposals page; print the figures with targets; True if met."""
    from django.db import connection
    from django.test import Client

    t0 = time.perf_counter()
    period, facilities, managers, programme = build(total)
    print(f"{total:,} placements built in {time.perf_counter() - t0:.1f} s on {connection.vendor}")
    big, small = Client(), Client()
    big.force_login(managers[0])
    small.force_login(managers[1])
    office = Client()
    office.force_login(programme)
    base = f"/practicum/proposals/?period={period.pk}"
    pages = [
        ("facility, 300 proposals", big, base),
        ("facility, 300, last page", big, f"{base}&page=6"),
        ("facility, 30 proposals", small, base),
        ("programme office, facility", office, f"{base}&facility={facilities[0].pk}"),
        ("programme office, picker", office, base),
    ]
    print(f"{'page':<32}{'p50 ms':>8}{'p95 ms':>8}{'queries':>9}   target p95 < {P95_TARGET_MS} ms")
    ok_all = True
    queries = {}
    for name, client, url in pages:
        p50, p95, n = measure(client, url, runs)
        queries[name] = n
        ok = p95 < P95_TARGET_MS
        ok_all &= ok
        print(f"  {name:<30}{p50:>8.1f}{p95:>8.1f}{n:>9}  {'PASS' if ok else 'MISS'}")
    constant = (
        queries["facility, 300 proposals"]
        == queries["facility, 30 proposals"]
        == queries["facility, 300, last page"]
    )
    ok_all &= constant
    print(
        f"  query count constant (300 vs 30 proposals, first vs last page): "
        f"{'PASS' if constant else 'MISS'}"
    )
    return ok_all


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--placements", type=int, default=10_000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="ctxh-bench-practicum-")
    os.environ["CTXH_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/db.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.test_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    ok = proposals_page(runs=args.runs, total=args.placements)
    print("\nresult:", "PASS" if ok else "MISS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
