"""Every write of the organisations app, one module per sub-domain: organisations and
their facility profiles (:mod:`.organizations`), residents' headcounts (:mod:`.headcount`).

Callers import from here: ``from ctxh.organizations.services import organization_update``.
"""

from .headcount import (
    HeadcountResult,
    HeadcountRow,
    can_submit,
    headcount_load,
    headcount_submit,
)
from .organizations import (
    FACILITY_FIELDS,
    ORGANIZATION_FIELDS,
    RESTRICTED_FIELDS,
    organization_create,
    organization_update,
)

__all__ = [
    "FACILITY_FIELDS",
    "ORGANIZATION_FIELDS",
    "RESTRICTED_FIELDS",
    "HeadcountResult",
    "HeadcountRow",
    "can_submit",
    "headcount_load",
    "headcount_submit",
    "organization_create",
    "organization_update",
]
