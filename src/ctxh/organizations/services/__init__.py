"""Every write of the organisations app, one module per sub-domain: organisations and
their facility profiles (:mod:`.organizations`), residents' headcounts (:mod:`.headcount`).

Callers import from here: ``from ctxh.organizations.services import organization_update``.
"""

from .headcount import (
    HeadcountNeedsConfirmation,
    HeadcountResult,
    HeadcountRow,
    can_submit,
    headcount_accept,
    headcount_load,
    headcount_return,
    headcount_submit,
    previous_period,
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
    "HeadcountNeedsConfirmation",
    "HeadcountResult",
    "HeadcountRow",
    "can_submit",
    "headcount_accept",
    "headcount_load",
    "headcount_return",
    "headcount_submit",
    "previous_period",
    "organization_create",
    "organization_update",
]
