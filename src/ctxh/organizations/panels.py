"""The facility's sections of the organisation page, filled through the panel slot
``organization_detail`` (:mod:`ctxh.core.panels`) like the staff section of workforce:
the page itself knows only what every organisation has; and this app's cards of the home
page (slot ``home``): the network's figures and the reviews waiting for the programme
office, a facility's reporting for its manager, a ward's facilities for its officer."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ctxh.core import panels
from ctxh.core.permissions import can
from ctxh.core.scoping import may, scope_for
from ctxh.geo.models import Ward

from .models import FacilityProfile, Kind, Organization, ResidentCount
from .selectors import (
    facility_headcount_history,
    facility_reporting,
    headcount_review_queue,
    residents_totals,
    social_work_share,
)
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


def home_network(request, user) -> dict | None:
    """The programme office's (and the auditor's) card: the network's figures, the
    residents (accepted, provisional apart) and the headcounts waiting for review."""
    if not scope_for(user, Organization, "view").everything:
        return None
    orgs = Organization.objects.visible_to(user, "view").filter(active=True)
    by_kind = dict(orgs.order_by().values_list("kind").annotate(n=Count("id")))
    facilities = orgs.facilities()
    capacity = facilities.aggregate(total=Sum("facility__capacity"))["total"] or 0
    figures = [
        {"label": _("Organisations"), "value": sum(by_kind.values())},
        {"label": _("Social-assistance facilities"), "value": facilities.count()},
        {"label": _("Ward/commune offices"), "value": by_kind.get(Kind.WARD_OFFICE, 0)},
        {"label": _("Partner schools"), "value": by_kind.get(Kind.SCHOOL, 0)},
        {"label": _("Facility capacity (people)"), "value": capacity},
    ]
    totals = (
        residents_totals(user=user, as_of=timezone.localdate())
        if can(user, ResidentCount, "view")
        else None
    )
    reviews = (
        headcount_review_queue(user=user).count() if can(user, ResidentCount, "review") else None
    )
    return {"figures": figures, "totals": totals, "reviews": reviews}


def home_facility(request, user) -> dict | None:
    """A facility manager's card: for each facility they report for, its capacity, the
    latest accepted headcount, the next one due (quarterly) and the figures returned to
    correct or awaiting review."""
    scope = scope_for(user, ResidentCount, "add")
    if scope.everything or not scope.organization_ids:
        return None
    facilities = (
        Organization.objects.facilities()
        .filter(pk__in=scope.organization_ids)
        .select_related("facility")
        .order_by("sort_key", "id")
    )
    reports = [facility_reporting(user=user, facility=f) for f in facilities]
    return {"reports": reports} if reports else None


def home_network_browse(request, user) -> dict | None:
    """For schools, students, trainers and field instructors: the facilities of the
    network they may browse (public facts), with the way to the list and the map."""
    if scope_for(user, Organization, "view").everything:
        return None
    if not scope_for(user, FacilityProfile, "view").everything:
        return None
    total, providing = social_work_share(user=user)
    return {"facilities": total, "social_work": providing}


def home_ward(request, user) -> dict | None:
    """A ward officer's card: the facilities located in their ward(s) and their residents."""
    scope = scope_for(user, Organization, "view")
    if scope.everything or not scope.ward_ids:
        return None
    counts = dict(
        Organization.objects.facilities()
        .active()
        .filter(ward_id__in=scope.ward_ids)
        .order_by()
        .values_list("ward_id")
        .annotate(n=Count("id"))
    )
    wards = [
        {"ward": ward, "facilities": counts.get(ward.pk, 0)}
        for ward in Ward.objects.filter(pk__in=scope.ward_ids).order_by("name")
    ]
    totals = (
        residents_totals(user=user, as_of=timezone.localdate())
        if can(user, ResidentCount, "view")
        else None
    )
    return {"wards": wards, "totals": totals}


def home_todos(request, user) -> list[dict]:
    """What waits for the user in the network: headcounts to review (programme office);
    headcounts returned to correct, or a quarter not reported yet (facility manager)."""
    items = []
    if can(user, ResidentCount, "review"):
        waiting = headcount_review_queue(user=user).count()
        if waiting:
            items.append(
                {
                    "label": ngettext(
                        "%(count)s headcount figure awaits your review",
                        "%(count)s headcount figures await your review",
                        waiting,
                    )
                    % {"count": waiting},
                    "url": reverse("organizations:headcount-reviews"),
                }
            )
    scope = scope_for(user, ResidentCount, "add")
    if not scope.everything and scope.organization_ids:
        for facility in Organization.objects.facilities().filter(pk__in=scope.organization_ids):
            report = facility_reporting(user=user, facility=facility)
            url = reverse("organizations:headcount", args=[facility.pk])
            if report.returned:
                items.append(
                    {
                        "label": _("Correct the returned headcount of %(facility)s")
                        % {"facility": facility.name},
                        "url": url,
                    }
                )
            if report.overdue_period:
                items.append(
                    {
                        "label": _("Report the headcount of %(facility)s as of %(date)s")
                        % {
                            "facility": facility.name,
                            "date": report.overdue_period.strftime("%d/%m/%Y"),
                        },
                        "url": url,
                    }
                )
    return items


def register_panels() -> None:
    """Called from the app's ``ready()``: the facility's sections come before the staff."""
    panels.register_todos("organizations", home_todos)
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
    panels.register(
        "home",
        panels.Panel(
            key="network",
            title=_("The programme at a glance"),
            template="organizations/_home_network.html",
            context=home_network,
            order=10,
        ),
    )
    panels.register(
        "home",
        panels.Panel(
            key="facility_reporting",
            title=_("Residents' headcount"),
            template="organizations/_home_facility.html",
            context=home_facility,
            order=10,
            column="col-lg-6",
        ),
    )
    panels.register(
        "home",
        panels.Panel(
            key="ward_facilities",
            title=_("Facilities in your ward"),
            template="organizations/_home_ward.html",
            context=home_ward,
            order=10,
            column="col-lg-6",
        ),
    )
    panels.register(
        "home",
        panels.Panel(
            key="network_browse",
            title=_("The network of facilities"),
            template="organizations/_home_network_browse.html",
            context=home_network_browse,
            order=10,
            column="col-lg-6",
        ),
    )
