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
        _register_event_permissions()


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
    register(
        "cooperation.registration",
        {
            "view": {**organise, vw: ALL, fi: SELF, st: SELF},
            "register": everyone,
        },
        labels={"register": _("register for events")},
    )
