from django.apps import AppConfig
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "ctxh.monitoring"
    verbose_name = _("Programme monitoring")

    def ready(self):
        from ctxh.core.navigation import NavItem, register

        # The dashboard is for every organisation that reports or follows the programme.
        register(NavItem(_("Monitoring"), "monitoring:index", "monitoring.Indicator", order=60))
        _register_permissions()
        _register_submission_permissions()
        _register_report_permissions()
        from ctxh.core import reminders

        from . import jobs  # noqa: F401  (the report's job handler registers)
        from .services.submissions import remind_all_due

        # ``ctxh remind`` (cron, or the demo's worker): reports not yet submitted.
        reminders.register(
            "monitoring.submissions_due",
            lambda *, now: remind_all_due(today=timezone.localdate(now)),
        )


def _register_permissions() -> None:
    """The monitoring's rows of the one permission table.

    The programme's figures are aggregates of the city: every organisation that reports or
    follows the programme sees them all (ALL); the programme office alone keeps the
    indicators, their targets and the values entered by hand. The records behind a figure
    stay under their own rows (a ward officer's link to the workforce list shows its ward).
    """
    from ctxh.accounts.roles import ALL, Role, register

    po, vw, wo, fm, sc, tr = (
        Role.PROGRAMME_OFFICE,
        Role.VIEWER,
        Role.WARD_OFFICER,
        Role.FACILITY_MANAGER,
        Role.SCHOOL_COORDINATOR,
        Role.TRAINER,
    )
    city_figures = {po: ALL, vw: ALL, wo: ALL, fm: ALL, sc: ALL, tr: ALL}
    register("monitoring.indicator", {"view": city_figures, "change": {po: ALL}})
    register("monitoring.target", {"view": city_figures, "change": {po: ALL}})
    register("monitoring.indicatorvalue", {"view": city_figures, "change": {po: ALL}})


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


def _register_report_permissions() -> None:
    """The programme reports' rows: the programme office generates them (``add``) and
    reads them; the viewer reads them. A report is the city's, issued by the agency."""
    from ctxh.core.roles import ALL, Role
    from ctxh.core.roles import register as register_rows

    po, vw = Role.PROGRAMME_OFFICE, Role.VIEWER
    register_rows(
        "monitoring.report",
        {"view": {po: ALL, vw: ALL}, "add": {po: ALL}},
        labels={"add": _("generate programme reports")},
    )
