from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "ctxh.organizations"
    verbose_name = _("Organisations")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from ctxh.core.navigation import NavItem, register

        from . import importing, jobs  # noqa: F401 - registers the job handlers, import kinds

        register(
            NavItem(
                _("Organisations"), "organizations:list", "organizations.Organization", order=20
            )
        )
        register(
            NavItem(
                _("Facilities"),
                "organizations:facilities",
                "organizations.Organization",
                order=21,
                also=("organizations:map", "organizations:headcount"),
            )
        )
        register(NavItem(_("Import"), "imports:index", "core.Job", action="import", order=90))
