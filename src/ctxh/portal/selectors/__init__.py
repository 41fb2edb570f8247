"""The portal's reads: public facts only, cached briefly (see :mod:`.cache`)."""

from .cache import bump_events, cached, events_generation
from .facilities import (
    FacilityFilters,
    PublicFacility,
    facility_choices,
    public_facilities,
    public_facility,
)

__all__ = [
    "FacilityFilters",
    "PublicFacility",
    "bump_events",
    "cached",
    "events_generation",
    "facility_choices",
    "public_facilities",
    "public_facility",
]
