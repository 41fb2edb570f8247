"""``ctxh remind``: every periodic reminder of the platform, then the daily digests of
the notifications. Each reminder goes out once per window, so the command may run as
often as wanted: hourly from cron in production (see docs/deploy.md), every hour in the
demo's worker (``ctxh jobs_worker --remind-every 3600``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ctxh.core.reminders import run_all


class Command(BaseCommand):
    help = "Run every periodic reminder (once per window) and the daily digests."

    def handle(self, *args, **options):
        results = run_all()
        if options["verbosity"] >= 1:
            for name, count in results.items():
                self.stdout.write(f"{name}: {'failed' if count < 0 else count}")
        failed = [name for name, count in results.items() if count < 0]
        if failed:
            raise CommandError("Failed: " + ", ".join(failed))
