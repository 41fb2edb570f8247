"""The organisations of the programme (:mod:`.organization`) and the residents' headcount
of their facilities (:mod:`.headcount`), one module per sub-domain.

Everything is importable from here: ``from ctxh.organizations.models import Organization,
ResidentCount``. The models keep the ``organizations`` app label, so the migrations do not
change with the split.
"""

from .headcount import ResidentCount, ResidentCountQuerySet
from .organization import (
    FACILITY_KINDS,
    SECTOR_OF_KIND,
    FacilityProfile,
    Kind,
    Organization,
    OrganizationQuerySet,
    Ownership,
    ReferenceItem,
    Sector,
    ServiceType,
    TargetGroup,
    code_validator,
)

__all__ = [
    "FACILITY_KINDS",
    "SECTOR_OF_KIND",
    "FacilityProfile",
    "Kind",
    "Organization",
    "OrganizationQuerySet",
    "Ownership",
    "ReferenceItem",
    "ResidentCount",
    "ResidentCountQuerySet",
    "Sector",
    "ServiceType",
    "TargetGroup",
    "code_validator",
]
