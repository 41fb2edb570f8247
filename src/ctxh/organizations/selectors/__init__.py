"""Every read the organisation pages, downloads, jobs and (later) the API share, one module
per sub-domain: the organisation list (:mod:`.organizations`) and the service network —
facilities, residents' headcounts, map markers (:mod:`.network`).

Each selector takes the user and reads through ``visible_to``.
"""

from .headcount import (
    FacilityReporting,
    facility_reporting,
    headcount_review_queue,
    next_due,
    returned_headcounts,
)
from .network import (
    HeadcountHistory,
    HeadcountPeriod,
    Provisional,
    ResidentTotals,
    city_residents_by_group,
    city_residents_total,
    facility_headcount_history,
    facility_list,
    latest_counts,
    map_markers,
    network_facilities,
    provisional_residents,
    residents_by_group,
    residents_totals,
    social_work_share,
)
from .organizations import organization_list

__all__ = [
    "HeadcountHistory",
    "HeadcountPeriod",
    "FacilityReporting",
    "Provisional",
    "ResidentTotals",
    "city_residents_by_group",
    "city_residents_total",
    "facility_headcount_history",
    "facility_list",
    "latest_counts",
    "facility_reporting",
    "headcount_review_queue",
    "map_markers",
    "network_facilities",
    "next_due",
    "provisional_residents",
    "returned_headcounts",
    "organization_list",
    "residents_by_group",
    "residents_totals",
    "social_work_share",
]
