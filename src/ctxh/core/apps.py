from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ctxh.core"
    verbose_name = _("Core")

    def ready(self):
        from .roles import ALL, ORG, SELF, Role, register

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
