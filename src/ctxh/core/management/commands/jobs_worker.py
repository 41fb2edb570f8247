"""``ctxh jobs_worker``: reap the jobs a dead worker left running, then run a task worker.

The worker is the one ``CTXH_TASKS`` names: ``db_worker`` (django-tasks-db) by default,
``rqworker`` with django-tasks-rq's job class on Redis. Each job then runs in a child
process with its time limit and memory cap (see ``ctxh.core.jobrunner``).

``--remind-every SECONDS`` also runs the periodic reminders (``ctxh remind``'s
:func:`ctxh.core.reminders.run_all`) in a background thread, at start and then every
SECONDS: the demo's worker does so hourly (``make serve``). In production cron runs
``ctxh remind`` instead (docs/deploy.md).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)


def remind_loop(every: float, stop: threading.Event) -> None:
    """Run the reminders now, then every ``every`` seconds until ``stop`` is set."""
    from ctxh.core.reminders import run_all

    while not stop.is_set():
        close_old_connections()
        try:
            results = run_all()
            logger.info("Reminders: %s", results)
        except Exception:  # the worker goes on; the next round tries again
            logger.exception("The periodic reminders failed")
        finally:
            connection.close()
        stop.wait(every)


def start_reminders(every: float) -> tuple[threading.Thread, threading.Event]:
    """The background thread of ``--remind-every`` (a daemon: it ends with the worker)."""
    stop = threading.Event()
    thread = threading.Thread(
        target=remind_loop, args=(every, stop), name="ctxh-remind", daemon=True
    )
    thread.start()
    return thread, stop


class Command(BaseCommand):
    help = "Fail stale running jobs, then run the task worker (database or RQ)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Database worker: seconds between polls."
        )
        parser.add_argument("--burst", action="store_true", help="Run the queued jobs, then stop.")
        parser.add_argument(
            "--remind-every",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Also run `ctxh remind` at start and every SECONDS (default: never).",
        )

    def handle(self, *args, interval: float, burst: bool, remind_every: float = 0, **options):
        call_command("jobs_reap", verbosity=options["verbosity"])
        if remind_every > 0:
            start_reminders(max(remind_every, 60.0))
        if settings.CTXH_TASKS == "rq":
            call_command("rqworker", "default", job_class="django_tasks_rq.Job", burst=burst)
        else:
            call_command(
                "db_worker", interval=interval, batch=burst, reload=False, startup_delay=False
            )
