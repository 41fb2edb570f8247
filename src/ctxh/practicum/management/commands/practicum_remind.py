"""``ctxh practicum_remind``: remind facilities of the proposals they have left undecided
longer than their period's reminder days (once per window). Run it from cron, e.g. daily
at 08:00 (see docs/deploy.md). It also starts the accepted placements whose round has
begun (accepted → in practice)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ctxh.core.audit import audit_context
from ctxh.core.models import AuditEvent

from ...services.completion import placements_start_due
from ...services.reminders import remind_overdue


class Command(BaseCommand):
    help = "Remind facilities of overdue proposals (once per reminder window)."

    def handle(self, *args, **options):
        with audit_context(source=AuditEvent.Source.COMMAND):
            count = remind_overdue()
            # Part 2: accepted placements whose round has begun are now in practice.
            started = placements_start_due()
        if options["verbosity"] >= 1:
            self.stdout.write(_("%(count)d facilities reminded.") % {"count": count})
            self.stdout.write(_("%(count)d placements started.") % {"count": started})
