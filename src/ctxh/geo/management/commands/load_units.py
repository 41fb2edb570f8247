from django.conf import settings
from django.core.management.base import BaseCommand

from ctxh.core.scoping import SYSTEM
from ctxh.geo.services import load_units


class Command(BaseCommand):
    help = "Load the 34 provinces and the configured province's commune-level units."

    def handle(self, *args, **options):
        counts = load_units(by=SYSTEM, province_code=settings.CTXH_PROVINCE)
        self.stdout.write(str(counts))
