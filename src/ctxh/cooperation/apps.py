from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "ctxh.cooperation"
    verbose_name = _("Cooperation")

    def ready(self):
        from ctxh.core.navigation import NavItem, register

        register(NavItem(_("Cooperation"), "cooperation:index", "cooperation.Agreement", order=70))
        _register_agreement_permissions()
        _register_event_permissions()


def _register_agreement_permissions() -> None:
    """The agreements', plans', research's and recognition's rows of the permission table.

    Every organisation of the programme sees the agreements, the plans and everyone's tasks
    (a partner sees what the others promised and delivered). The programme office manages
    all of it; a partner (its school coordinator, trainer or facility manager) manages the
    tasks its organisation is responsible for, and the research projects and good practices
    it leads or shares (ORG). Only the programme office signs agreements, opens plans,
    publishes results to the portal and records awards. Also registers the phrases of the
    audit codes (``audit_agreements``).
    """
    from ctxh.accounts.roles import ALL, ORG, Role, register
    from ctxh.core import audit_actions

    from .audit_agreements import ACTIONS

    audit_actions.register(ACTIONS)
    po, vw, tr, wo, fm, fi, sc = (
        Role.PROGRAMME_OFFICE,
        Role.VIEWER,
        Role.TRAINER,
        Role.WARD_OFFICER,
        Role.FACILITY_MANAGER,
        Role.FIELD_INSTRUCTOR,
        Role.SCHOOL_COORDINATOR,
    )
    everyone = {po: ALL, vw: ALL, tr: ALL, wo: ALL, fm: ALL, fi: ALL, sc: ALL}
    office = {po: ALL}
    partner = {po: ALL, sc: ORG, tr: ORG, fm: ORG}
    register("cooperation.agreement", {"view": everyone, "add": office, "change": office})
    register("cooperation.actionplan", {"view": everyone, "add": office, "change": office})
    register("cooperation.task", {"view": everyone, "add": partner, "change": partner})
    labels = {"publish": _("publish on the public portal")}
    for model in ("cooperation.researchproject", "cooperation.goodpractice"):
        register(
            model,
            {"view": everyone, "add": partner, "change": partner, "publish": office},
            labels=labels,
        )
    register("cooperation.award", {"view": everyone, "add": office})


def _register_event_permissions() -> None:
    """The events' rows of the one permission table.

    Every role sees the events and may register for an open one (the service checks the
    event's mode and dates). The programme office manages every event and proposes the
    Social Work Days; an organisation that may organise (a school, an association, a
    facility, a ward office) manages the events it leads (co-organisers too: the services
    ask ``may_manage_event``). Registrations are seen by the lead organiser, by the
    registrant's organisation, by the city-wide roles, and by the registrant (SELF).
    """
    from ctxh.accounts.roles import ALL, ORG, SELF, Role, register

    po, vw, tr, wo, fm, fi, sc, st = (
        Role.PROGRAMME_OFFICE,
        Role.VIEWER,
        Role.TRAINER,
        Role.WARD_OFFICER,
        Role.FACILITY_MANAGER,
        Role.FIELD_INSTRUCTOR,
        Role.SCHOOL_COORDINATOR,
        Role.STUDENT,
    )
    everyone = {po: ALL, vw: ALL, tr: ALL, wo: ALL, fm: ALL, fi: ALL, sc: ALL, st: ALL}
    organise = {po: ALL, tr: ORG, wo: ORG, fm: ORG, sc: ORG}
    register(
        "cooperation.event",
        {"view": everyone, "add": organise, "change": organise, "propose": {po: ALL}},
        labels={"propose": _("propose the Social Work Days of a year")},
    )
    # A presentation is its event's: seen by everyone, changed (its file attached) by the
    # event's organisers.
    register("cooperation.presentation", {"view": everyone, "change": organise})
    register(
        "cooperation.registration",
        {
            "view": {**organise, vw: ALL, fi: SELF, st: SELF},
            "register": everyone,
        },
        labels={"register": _("register for events")},
    )
