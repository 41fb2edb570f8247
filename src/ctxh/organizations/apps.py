from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "ctxh.organizations"
    verbose_name = _("Organisations")

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from ctxh.core.navigation import NavItem, register

        from . import importing, jobs  # noqa: F401 - registers the job handlers, import kinds
        from .panels import register_panels

        register_panels()  # the facility's sections of the organisation page

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
                also=(
                    "organizations:map",
                    "organizations:headcount",
                    "organizations:headcount-reviews",
                ),
            )
        )
        register(
            NavItem(
                _("Import"), "imports:index", "core.Job", action="import", order=90, menu="admin"
            )
        )
        _register_permissions()


def _register_permissions() -> None:
    """This app's rows of the one permission table (``ctxh.core.roles``)."""
    from django.utils.translation import gettext_lazy as _

    from ctxh.core.roles import ALL, ORG, WARD, Role, register

    po, wo, fm, fi, vw = (
        Role.PROGRAMME_OFFICE,
        Role.WARD_OFFICER,
        Role.FACILITY_MANAGER,
        Role.FIELD_INSTRUCTOR,
        Role.VIEWER,
    )
    see = dict.fromkeys(Role.values, ORG) | {po: ALL, wo: WARD, vw: ALL}
    register(
        "organizations.organization",
        # A facility and a ward office keep their own details (not what they are: see
        # services.RESTRICTED_FIELDS).
        {"view": see, "add": {po: ALL}, "change": {po: ALL, fm: ORG, wo: ORG}},
    )
    # A facility's public facts (kind, ownership, ward, address, target groups, services,
    # capacity) are the network every school, student, trainer and field instructor may
    # browse across the city; its headcounts and staff stay with the rows below.
    network = dict.fromkeys(
        (Role.SCHOOL_COORDINATOR, Role.STUDENT, Role.TRAINER, Role.FIELD_INSTRUCTOR), ALL
    )
    register(
        "organizations.facilityprofile",
        {"view": see | network, "change": {po: ALL, fm: ORG}},
    )
    # Residents' headcounts: aggregate figures a facility reports; the office sees all and
    # reviews the flagged ones.
    register(
        "organizations.residentcount",
        {
            "view": {po: ALL, wo: WARD, fm: ORG, fi: ORG, vw: ALL},
            "add": {po: ALL, fm: ORG},
            "review": {po: ALL},
        },
        labels={"review": _("review flagged figures")},
    )
