"""Every read the organisation pages, downloads, jobs and (later) the API share, one module
per sub-domain: the organisation list (:mod:`.organizations`) and the service network —
facilities, residents' headcounts, map markers (:mod:`.network`).

Each selector takes the user and reads through ``visible_to``.
"""

from .network import (
    HeadcountHistory,
    HeadcountPeriod,
    ResidentTotals,
    city_residents_by_group,
    city_residents_total,
    facility_headcount_history,
    facility_list,
    latest_counts,
    map_markers,
    residents_totals,
    social_work_share,
)
from .organizations import organization_list

__all__ = [
    "HeadcountHistory",
    "HeadcountPeriod",
    "ResidentTotals",
    "city_residents_by_group",
    "city_residents_total",
    "facility_headcount_history",
    "facility_list",
    "latest_counts",
    "map_markers",
    "organization_list",
    "residents_totals",
    "social_work_share",
]
