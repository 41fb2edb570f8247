"""The facility's sections of the organisation page, filled through the panel slot
``organization_detail`` (:mod:`ctxh.core.panels`) like the staff section of workforce:
the page itself knows only what every organisation has."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ctxh.core import panels
from ctxh.core.scoping import may

from .models import FacilityProfile, Organization, ResidentCount
from .selectors import facility_headcount_history
from .services import can_submit


def facility_profile(request, org: Organization) -> dict | None:
    """What a social-assistance facility offers: capacity, services, target groups."""
    if not org.is_facility or not may(request.user, FacilityProfile, "view", org):
        return None
    profile = getattr(org, "facility", None)
    if profile is None:
        return None
    return {"facility": profile}


def facility_headcounts(request, org: Organization) -> dict | None:
    """The facility's residents' headcount history and, for those who report it, the way
    to record one (the history is None when the user may not read the figures)."""
    if not org.is_facility:
        return None
    history = (
        facility_headcount_history(user=request.user, facility=org)
        if may(request.user, ResidentCount, "view", org)
        else None
    )
    may_submit = can_submit(request.user, org)
    if history is None and not may_submit:
        return None  # figures are not for this user (a student browsing the network)
    return {
        "org": org,
        "headcounts": history,
        "can_submit_headcount": may_submit,
    }


def register_panels() -> None:
    """Called from the app's ``ready()``: the facility's sections come before the staff."""
    panels.register(
        "organization_detail",
        panels.Panel(
            key="facility",
            title=_("Facility"),
            template="organizations/_facility_panel.html",
            context=facility_profile,
            order=1,
            column="col-lg-6",
        ),
    )
    panels.register(
        "organization_detail",
        panels.Panel(
            key="headcounts",
            title=_("Residents' headcount"),
            template="organizations/_headcounts_panel.html",
            context=facility_headcounts,
            order=2,
        ),
    )
