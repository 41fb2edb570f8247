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
]

PO = Role.PROGRAMME_OFFICE
WO = Role.WARD_OFFICER
FM = Role.FACILITY_MANAGER
SC = Role.SCHOOL_COORDINATOR
VW = Role.VIEWER


def register_rows() -> None:
    """The accounts app's rows of the table."""
    register(
        "accounts.membership",
        {
            "view": {PO: ALL, WO: ORG, FM: ORG, SC: ORG, VW: ALL},
            "add": {PO: ALL},
            "change": {PO: ALL},
            # The page that shows this table (/accounts/roles/).
            "view_role_table": {PO: ALL, VW: ALL},
        },
    )
