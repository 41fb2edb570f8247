"""``ctxh propose_social_work_days YEAR [YEAR …]``: create the Vietnam and the World Social
Work Days of each year as planned events of the standing agency, when missing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ctxh.cooperation.services.events import propose_social_work_days
from ctxh.core.audit import audit_context
from ctxh.core.scoping import SYSTEM


class Command(BaseCommand):
    help = "Propose the Vietnam and World Social Work Days of the given years (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args, years, **options):
        with audit_context(source="command"):
            for year in years:
                try:
                    created = propose_social_work_days(year=year, by=SYSTEM)
                except ValidationError as error:
                    raise CommandError("; ".join(error.messages)) from error
                self.stdout.write(f"{year}: {len(created)} event(s) created")
