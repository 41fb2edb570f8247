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
        _register_submission_permissions()


def _register_submission_permissions() -> None:
    """The periodic submissions' rows of the one permission table (``ctxh.core.roles``):
    ward officers and facility managers enter and submit their own organisation's figures,
    the programme office approves or returns all of them, reminds and closes periods; the
    viewer sees all."""
    from ctxh.core.navigation import NavItem, register
    from ctxh.core.roles import ALL, ORG, Role
    from ctxh.core.roles import register as register_rows

    po, wo, fm, vw = (
        Role.PROGRAMME_OFFICE,
        Role.WARD_OFFICER,
        Role.FACILITY_MANAGER,
        Role.VIEWER,
    )
    register_rows(
        "monitoring.submission",
        {
            "view": {po: ALL, vw: ALL, wo: ORG, fm: ORG},
            "add": {po: ALL, wo: ORG, fm: ORG},
            "approve": {po: ALL},
            "monitor": {po: ALL, vw: ALL},
        },
        labels={
            "approve": _("approve or return submissions"),
            "monitor": _("follow who has reported"),
        },
    )
    register(
        NavItem(
            _("Periodic reports"),
            "monitoring:submissions",
            "monitoring.Submission",
            order=61,
            also=(
                "monitoring:submission_new",
                "monitoring:submission_edit",
                "monitoring:submission_detail",
                "monitoring:completeness",
                "monitoring:completeness_remind",
            ),
        )
    )
