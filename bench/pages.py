"""Page timings with the demo data: p50/p95 and query counts of the main pages.

Builds a fresh database (SQLite in a temporary folder, or the PostgreSQL named by
BENCH_DATABASE_URL), migrates it, loads the demo city, then requests each page N times
through Django's test client as the programme office. Usage:

    python bench/pages.py [--runs 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="ctxh-bench-pages-")
    os.environ["CTXH_VAR_DIR"] = tmp
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/db.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.test_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from ctxh.demo.loader import load_demo

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    load_demo(password="Bench-pass-2026")
    print(f"demo data loaded in {time.perf_counter() - t0:.1f} s on {connection.vendor}")
    from ctxh.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="programme"))
    pages = {
        "home": "/",
        "organisation list": "/organizations/",
        "organisation list, search": "/organizations/?q=nguyen+trai",
        "organisation list, last page": "/organizations/?page=12",
    }
    print(f"{'page':<32}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}")
    for name, url in pages.items():
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"{name:<32}{p50:>9.1f}{p95:>9.1f}{len(executed):>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
