from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(sender, using="default", **kwargs):
    """`ctxh migrate` also creates the database cache's table (idempotent), so a site
    without Redis needs no extra step (see CACHES in settings)."""
    from django.conf import settings
    from django.core.management import call_command

    if any(c["BACKEND"].endswith("DatabaseCache") for c in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "ctxh.core"
    verbose_name = _("Core")

    def ready(self):
        from . import tablespeed
        from .roles import ALL, ORG, SELF, Role, register

        tablespeed.install()

        po, wo, fm, vw = (
            Role.PROGRAMME_OFFICE,
            Role.WARD_OFFICER,
            Role.FACILITY_MANAGER,
            Role.VIEWER,
        )
        # The audit trail: the programme office and the auditor read all of it.
        register("core.auditevent", {"view": {po: ALL, vw: ALL}})
        # Jobs are personal (each user sees their own); the office sees all of them.
        everyone_else = {role: SELF for role in Role.values if role != po}
        register(
            "core.job",
            {
                "view": {po: ALL, **everyone_else},
                # Excel imports (the menu entry); each kind narrows it (ctxh.core.importing).
                "import": {po: ALL, wo: ORG, fm: ORG},
            },
        )
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="ctxh-cache-table")
