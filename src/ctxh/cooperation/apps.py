from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "ctxh.cooperation"
    verbose_name = _("Cooperation")

    def ready(self):
        from ctxh.core.navigation import NavItem, register

        register(
            NavItem(_("Cooperation"), "cooperation:index", "organizations.Organization", order=70)
        )
