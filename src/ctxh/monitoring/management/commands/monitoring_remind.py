"""``ctxh monitoring_remind``: remind the organisations that have not reported the latest
period already due of each periodic report (at most once a week per report and period).
Run it from cron, e.g. daily at 08:00 (see docs/deploy.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ctxh.core.audit import audit_context
from ctxh.core.models import AuditEvent

from ...services.submissions import remind_all_due


class Command(BaseCommand):
    help = "Remind organisations of the periodic reports they have not submitted."

    def handle(self, *args, **options):
        with audit_context(source=AuditEvent.Source.COMMAND):
            count = remind_all_due()
        if options["verbosity"] >= 1:
            self.stdout.write(_("%(count)d organisations reminded.") % {"count": count})
