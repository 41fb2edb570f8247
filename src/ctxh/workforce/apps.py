from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "ctxh.workforce"
    verbose_name = _("Workforce")

    def ready(self):
        from ctxh.core.navigation import NavItem, register

        register(NavItem(_("Workforce"), "workforce:list", "workforce.Person", order=30))

        from ctxh.core import panels

        from .panels import organization_staff

        panels.register(
            "organization_detail",
            panels.Panel(
                key="staff",
                title=_("Staff"),
                template="workforce/_organization_staff.html",
                context=organization_staff,
                order=10,
            ),
        )
