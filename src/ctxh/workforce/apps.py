from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "ctxh.workforce"
    verbose_name = _("Workforce")

    def ready(self):
        from ctxh.core.navigation import NavItem, register

        register(NavItem(_("Workforce"), "workforce:list", "workforce.Person", order=30))
