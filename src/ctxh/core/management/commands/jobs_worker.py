"""``ctxh jobs_worker``: reap the jobs a dead worker left running, then run a task worker.

The worker is the one ``CTXH_TASKS`` names: ``db_worker`` (django-tasks-db) by default,
``rqworker`` with django-tasks-rq's job class on Redis. Each job then runs in a child
process with its time limit and memory cap (see ``ctxh.core.jobrunner``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Fail stale running jobs, then run the task worker (database or RQ)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Database worker: seconds between polls."
        )
        parser.add_argument("--burst", action="store_true", help="Run the queued jobs, then stop.")

    def handle(self, *args, interval: float, burst: bool, **options):
        call_command("jobs_reap", verbosity=options["verbosity"])
        if settings.CTXH_TASKS == "rq":
            call_command("rqworker", "default", job_class="django_tasks_rq.Job", burst=burst)
        else:
            call_command(
                "db_worker", interval=interval, batch=burst, reload=False, startup_delay=False
            )
