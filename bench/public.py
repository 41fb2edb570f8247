"""The public portal's figures on the demo data: page timings with a cold and a warm cache
and their query counts, then 200 concurrent loopback requests to the public calendar on a
gunicorn started with DEBUG=0.

Builds a fresh database (SQLite in a temporary folder, or the PostgreSQL named by
BENCH_DATABASE_URL), migrates it, loads the demo city, then

1. requests each public page N times through Django's test client, signed in as no one:
   "cold" empties the cache before every request (the selectors run), "warm" reads the
   cached public facts; p50/p95 and the queries of one request are printed;
2. collects the static files, starts gunicorn (DEBUG=0, 2 workers, like
   ``tools/smoke_gunicorn.py``) on the same database and fires 200 GET requests to
   ``/public/events/`` from a pool of 50 threads; every answer must be 200.

Targets: p95 < 100 ms per page (cold and warm), queries within the tests' bounds (cold ≤ 20,
warm ≤ 4: constant whatever the data), 200 concurrent requests with 0 errors. Usage:

    python bench/public.py [--runs 30] [--requests 200] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
HOST = "127.0.0.1"
TARGET_MS = 100.0
COLD_MAX, WARM_MAX = 20, 4  # as in src/ctxh/portal/tests/test_public_data.py


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def public_pages() -> dict[str, str]:
    from django.urls import reverse

    from ctxh.cooperation.models import Event, GoodPractice, ResearchProject
    from ctxh.organizations.models import Organization

    event = Event.objects.filter(public=True, status=Event.Status.OPEN).order_by("pk").first()
    event = event or Event.objects.filter(public=True).order_by("-starts_at").first()
    facility = (
        Organization.objects.facilities()
        .filter(active=True, facility__provides_social_work_services=True)
        .order_by("pk")
        .first()
    )
    practice = GoodPractice.objects.filter(published=True).order_by("pk").first()
    research = ResearchProject.objects.filter(published=True).order_by("pk").first()
    return {
        "home": reverse("portal:index"),
        "calendar": reverse("portal:events"),
        "calendar, a month": reverse("portal:events")
        + f"?month={event.starts_at:%Y-%m}&kind={event.kind}",
        "event (registration form)": reverse("portal:event", args=[event.pk]),
        "facilities directory + map": reverse("portal:facilities"),
        "facilities, search": reverse("portal:facilities") + "?q=tre+em",
        "facilities, last page": reverse("portal:facilities") + "?page=99",
        "facility": reverse("portal:facility", args=[facility.pk]),
        "good practices": reverse("portal:practices"),
        "good practice": reverse("portal:practice", args=[practice.pk]),
        "research": reverse("portal:research"),
        "research project": reverse("portal:research_detail", args=[research.pk]),
    }


def time_pages(runs: int) -> bool:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    client = Client()
    ok = True
    print(
        f"\n{'public page':<30}{'cold p50':>9}{'p95':>7}{'q':>4}{'warm p50':>10}{'p95':>7}{'q':>4}"
    )
    for name, url in public_pages().items():
        figures = {}
        for mode in ("cold", "warm"):
            cache.clear()
            client.get(url)  # warms the cache (and Django's own first-use costs)
            if mode == "cold":
                cache.clear()
            queries: list[str] = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):  # survives the per-request reconnects
                response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            timings = []
            for _ in range(runs):
                if mode == "cold":
                    cache.clear()
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            figures[mode] = (statistics.median(timings), p95(timings), len(queries))
        (c50, c95, cq), (w50, w95, wq) = figures["cold"], figures["warm"]
        good = c95 < TARGET_MS and w95 < TARGET_MS and cq <= COLD_MAX and wq <= WARM_MAX
        ok &= good
        cold, warm = f"{c50:>9.1f}{c95:>7.1f}{cq:>4}", f"{w50:>10.1f}{w95:>7.1f}{wq:>4}"
        print(f"{name:<30}{cold}{warm}  {verdict(good)}")
    print(
        f"target: p95 < {TARGET_MS:.0f} ms cold and warm; queries cold ≤ {COLD_MAX}, warm ≤ "
        f"{WARM_MAX} (the same on any amount of data: tests/test_public_data.py) — "
        f"{verdict(ok)}"
    )
    return ok


def get(port: int, path: str) -> tuple[int, float]:
    start = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": f"{HOST}:{port}", "Accept-Language": "vi"})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - start) * 1000


def gunicorn_load(tmp: Path, requests: int, concurrency: int) -> bool:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DJANGO_SETTINGS_MODULE": "ctxh.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "CTXH_STATIC_ROOT": str(tmp / "static"),
        "CTXH_MEDIA_ROOT": str(tmp / "media"),
    }
    subprocess.run(
        [sys.executable, "-m", "ctxh", "collectstatic", "--noinput", "--verbosity", "0"],
        env=env,
        check=True,
        timeout=300,
    )
    log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "ctxh.wsgi", "--bind", f"{HOST}:{port}"]
        + ["--workers", "2", "--timeout", "30", "--graceful-timeout", "5"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        while get(port, "/public/events/")[0] != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                print((tmp / "gunicorn.log").read_text()[-3000:])
                raise SystemExit("bench: gunicorn did not answer /public/events/")
            time.sleep(0.3)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            results = list(pool.map(lambda _: get(port, "/public/events/"), range(requests)))
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()
    errors = sum(1 for status, _ in results if status != 200)
    timings = [ms for _, ms in results]
    ok = errors == 0
    print(
        f"\ngunicorn DEBUG=0, 2 workers: {requests} GET /public/events/ from {concurrency} "
        f"threads in {elapsed:.1f} s ({requests / elapsed:.0f} req/s): errors = {errors}, "
        f"p50 {statistics.median(timings):.0f} ms, p95 {p95(timings):.0f} ms "
        f"(queueing behind 2 workers included) — target errors = 0: {verdict(ok)}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ctxh-bench-public-"))
    os.environ["CTXH_VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp}/db.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.test_settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from ctxh.demo.loader import load_demo

    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the demo's mail
    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    load_demo(password="Bench-pass-2026")
    print(f"demo data loaded in {time.perf_counter() - t0:.1f} s on {connection.vendor}")
    ok = time_pages(args.runs)
    connection.close()
    ok &= gunicorn_load(tmp, args.requests, args.concurrency)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
