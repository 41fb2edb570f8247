"""The roles of DOMAIN.md and the permission table, as the accounts app uses them.

The table itself lives in ``ctxh.core.roles`` (every layer, organisations included,
registers its rows there from its ``AppConfig.ready()``); this module re-exports it so
the accounts app and the layers above it have one place to import from, and registers
the accounts app's own rows (see ``AccountsConfig.ready``).
"""

from __future__ import annotations

from ctxh.core.roles import (
    ACTION_LABELS,
    ALL,
    ORG,
    PERMISSIONS,
    SELF,
    WARD,
    Reach,
    Role,
    TableRow,
    reach,
    register,
    rows,
)

__all__ = [
    "ACTION_LABELS",
    "ALL",
    "ORG",
    "PERMISSIONS",
    "SELF",
    "WARD",
    "Reach",
    "Role",
    "TableRow",
    "reach",
    "register",
    "rows",
    "register_rows",
    "GRANTABLE_ROLES",
    "ROLE_ORGANIZATION_KINDS",
]

PO = Role.PROGRAMME_OFFICE
WO = Role.WARD_OFFICER
FM = Role.FACILITY_MANAGER
FI = Role.FIELD_INSTRUCTOR
SC = Role.SCHOOL_COORDINATOR
ST = Role.STUDENT
TR = Role.TRAINER
VW = Role.VIEWER


def register_rows() -> None:
    """The accounts app's rows of the table."""
    register(
        "accounts.membership",
        {
            "view": {PO: ALL, WO: ORG, FM: ORG, SC: ORG, VW: ALL},
            # A ward office, a facility and a school administer their own organisation's
            # accounts; which roles each may grant: GRANTABLE_ROLES.
            "add": {PO: ALL, WO: ORG, FM: ORG, SC: ORG},
            "change": {PO: ALL, WO: ORG, FM: ORG, SC: ORG},
            # The page that shows this table (/accounts/roles/).
            "view_role_table": {PO: ALL, VW: ALL},
        },
    )


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
