from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "ctxh.monitoring"
    verbose_name = _("Programme monitoring")

    def ready(self):
        from ctxh.core.navigation import NavItem, register

        # The dashboard is for every organisation that reports or follows the programme.
        register(
            NavItem(_("Monitoring"), "monitoring:index", "organizations.Organization", order=60)
        )
