from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "ctxh.workforce"
    verbose_name = _("Workforce")

    def ready(self):
        from ctxh.core import audit
        from ctxh.core.navigation import NavItem, register

        from .cccd import mask_cccd

        register(NavItem(_("Workforce"), "workforce:list", "workforce.Person", order=30))
        _register_permissions()
        # The citizen ID never reaches the audit trail in clear, whatever writes it.
        audit.mask_field("cccd", mask_cccd)

        from ctxh.core import panels

        from .panels import home_own_staff, home_workforce_totals, organization_staff

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
        panels.register(
            "home",
            panels.Panel(
                key="workforce",
                title=_("Social-work workforce"),
                template="workforce/_home_totals.html",
                context=home_workforce_totals,
                order=20,
                column="col-xl-6",
            ),
        )
        panels.register(
            "home",
            panels.Panel(
                key="own_staff",
                title=_("Your staff"),
                template="workforce/_home_own_staff.html",
                context=home_own_staff,
                order=20,
                column="col-lg-6",
            ),
        )


def _register_permissions() -> None:
    """The workforce's rows of the one permission table. Ward officers and facility
    managers keep their own organisation's people; the viewer sees everyone but never the
    full citizen ID ("view_sensitive")."""
    from ctxh.accounts.roles import ALL, ORG, Role, register

    po, wo, fm, vw = (
        Role.PROGRAMME_OFFICE,
        Role.WARD_OFFICER,
        Role.FACILITY_MANAGER,
        Role.VIEWER,
    )
    keep = {po: ALL, wo: ORG, fm: ORG}
    see = {**keep, vw: ALL}
    register(
        "workforce.person",
        {
            "view": see,
            "view_sensitive": keep,
            "add": keep,
            "change": keep,
            "statistics": {po: ALL, vw: ALL},
        },
    )
    register("workforce.employment", {"view": see, "add": keep, "change": keep})
    register("workforce.certificate", {"view": see, "add": keep})
    register("workforce.fieldinstructor", {"view": see, "change": keep})
    register("workforce.personaccesslog", {"view": {po: ALL, vw: ALL}})
