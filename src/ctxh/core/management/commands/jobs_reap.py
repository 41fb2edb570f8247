"""``ctxh jobs_reap``: fail the running jobs whose worker stopped giving signs of life.

Run it when a worker starts (``make serve`` and ``make worker`` do) and from cron if you
like; each task worker also reaps before it claims a job. A job is stale when its heartbeat
is older than ``CTXH_JOB_STALE_SECONDS``; it is failed with a message through the job's
transition table, and audited.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ctxh.core.jobs import reap_stale_jobs


class Command(BaseCommand):
    help = "Fail running jobs whose worker stopped (stale heartbeat)."

    def handle(self, *args, **options):
        reaped = reap_stale_jobs()
        for job in reaped:
            self.stdout.write(
                _("Job %(id)s (%(title)s) failed: its worker stopped.")
                % {
                    "id": job.pk,
                    "title": job.title,
                }
            )
        if options["verbosity"] >= 1:
            self.stdout.write(_("%(count)s stale jobs failed.") % {"count": len(reaped)})
