from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "ctxh.organizations"
    verbose_name = _("Organisations")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from ctxh.core.navigation import NavItem, register

        from . import jobs  # noqa: F401 - registers the job handlers

        register(
            NavItem(
                _("Organisations"), "organizations:list", "organizations.Organization", order=20
            )
        )
