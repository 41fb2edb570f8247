"""The roles of DOMAIN.md and the one table of what each may do, on what, where.

``PERMISSIONS[model_label][action][role]`` is the reach of that role for that action:
``ALL`` (every row), ``ORG`` (its own organisation's rows), ``WARD`` (its organisation and
everything located in its organisation's ward) or ``SELF`` (rows the user created). A role
absent from an action's entry may not perform it at all (403).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_OFFICE = "programme_office", _("Programme office")
    WARD_OFFICER = "ward_officer", _("Ward officer")
    FACILITY_MANAGER = "facility_manager", _("Facility manager")
    FIELD_INSTRUCTOR = "field_instructor", _("Field instructor")
    SCHOOL_COORDINATOR = "school_coordinator", _("School coordinator")
    STUDENT = "student", _("Student")
    TRAINER = "trainer", _("Trainer / partner staff")
    VIEWER = "viewer", _("Viewer / auditor")


ALL, ORG, WARD, SELF = "all", "org", "ward", "self"

PO = Role.PROGRAMME_OFFICE
WO = Role.WARD_OFFICER
FM = Role.FACILITY_MANAGER
FI = Role.FIELD_INSTRUCTOR
SC = Role.SCHOOL_COORDINATOR
ST = Role.STUDENT
TR = Role.TRAINER
VW = Role.VIEWER

_SEE_ORGANISATIONS = {PO: ALL, WO: WARD, FM: ORG, FI: ORG, SC: ORG, ST: ORG, TR: ORG, VW: ALL}

PERMISSIONS: dict[str, dict[str, dict[str, str]]] = {
    "organizations.organization": {
        "view": _SEE_ORGANISATIONS,
        "add": {PO: ALL},
        "change": {PO: ALL, FM: ORG},
    },
    "organizations.facilityprofile": {
        "view": _SEE_ORGANISATIONS,
        "change": {PO: ALL, FM: ORG},
    },
    # Residents' headcounts: aggregate figures a facility reports; the office sees all.
    "organizations.residentcount": {
        "view": {PO: ALL, WO: WARD, FM: ORG, FI: ORG, VW: ALL},
        "add": {PO: ALL, FM: ORG},
    },
    # Accounts: the programme office administers everyone; a ward office, a facility and
    # a school administer their own organisation's accounts (which roles: GRANTABLE_ROLES).
    "accounts.membership": {
        "view": {PO: ALL, WO: ORG, FM: ORG, SC: ORG, VW: ALL},
        "add": {PO: ALL, WO: ORG, FM: ORG, SC: ORG},
        "change": {PO: ALL, WO: ORG, FM: ORG, SC: ORG},
    },
    "core.auditevent": {"view": {PO: ALL, VW: ALL}},
    # Workforce: ward officers and facility managers keep their own organisation's people;
    # the viewer sees everyone but never the full citizen ID ("view_sensitive").
    "workforce.person": {
        "view": {PO: ALL, WO: ORG, FM: ORG, VW: ALL},
        "view_sensitive": {PO: ALL, WO: ORG, FM: ORG},
        "add": {PO: ALL, WO: ORG, FM: ORG},
        "change": {PO: ALL, WO: ORG, FM: ORG},
        "statistics": {PO: ALL, VW: ALL},
    },
    "workforce.employment": {
        "view": {PO: ALL, WO: ORG, FM: ORG, VW: ALL},
        "add": {PO: ALL, WO: ORG, FM: ORG},
        "change": {PO: ALL, WO: ORG, FM: ORG},
    },
    "workforce.certificate": {
        "view": {PO: ALL, WO: ORG, FM: ORG, VW: ALL},
        "add": {PO: ALL, WO: ORG, FM: ORG},
    },
    "workforce.fieldinstructor": {
        "view": {PO: ALL, WO: ORG, FM: ORG, VW: ALL},
        "change": {PO: ALL, WO: ORG, FM: ORG},
    },
    "workforce.personaccesslog": {"view": {PO: ALL, VW: ALL}},
    "core.job": {
        "view": {PO: ALL, WO: SELF, FM: SELF, FI: SELF, SC: SELF, ST: SELF, TR: SELF, VW: SELF},
        # Excel imports (the menu entry); each kind narrows it (see ctxh.core.importing).
        "import": {PO: ALL, WO: ORG, FM: ORG},
    },
}


def reach(model_label: str, action: str, role: str) -> str | None:
    """The reach of ``role`` for ``action`` on ``model_label`` (None: not allowed)."""
    return PERMISSIONS.get(model_label, {}).get(action, {}).get(role)


#: Which roles a holder of a role may grant in the organisations its scope covers.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    PO: frozenset(Role.values),
    WO: frozenset({WO}),
    FM: frozenset({FM, FI}),
    SC: frozenset({SC, ST}),
}

#: The kinds of organisation a role belongs to (None: any kind).
ROLE_ORGANIZATION_KINDS: dict[str, frozenset[str] | None] = {
    PO: frozenset({"agency"}),
    VW: frozenset({"agency", "department"}),
    WO: frozenset({"ward_office"}),
    FM: frozenset({"public_facility", "rehab_facility", "private_facility"}),
    FI: frozenset({"public_facility", "rehab_facility", "private_facility"}),
    SC: frozenset({"school"}),
    ST: frozenset({"school"}),
    TR: None,
}
