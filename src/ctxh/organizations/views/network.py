"""Service-network pages: the facilities list with the residents' total, the map, its
markers, and the residents' headcount form of a facility."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, get_visible_or_404, require

from ..filters import FacilityFilter
from ..forms import HeadcountForm
from ..models import Organization, ResidentCount
from ..selectors import (
    facility_list,
    latest_counts,
    map_markers,
    residents_totals,
    returned_headcounts,
    social_work_share,
)
from ..services import HeadcountNeedsConfirmation, can_submit, headcount_submit
from ..tables import FacilityTable

#: The list beside the map stays readable; filters narrow it further.
MAP_LIST_LIMIT = 500


def filtered_facilities(request):
    """The facilities page's FilterSet over the user's facilities, and its date."""
    filterset = FacilityFilter(
        request.GET or None,
        queryset=Organization.objects.none(),
        province_code=settings.CTXH_PROVINCE,
    )
    as_of = filterset.as_of_date() if filterset.is_bound else None
    as_of = as_of or timezone.localdate()
    filterset.queryset = facility_list(user=request.user, as_of=as_of)
    return filterset, as_of


@login_required
def facility_list_view(request):
    """Facilities only, with filters, sorting, pagination, and the residents' total as of
    a chosen date (today by default) over the facilities the user may see."""
    require(request.user, Organization, "view")
    filterset, as_of = filtered_facilities(request)
    # Residents' figures are not for everyone who browses the network (students, schools).
    table = FacilityTable(
        filterset.qs,
        exclude=() if can(request.user, ResidentCount, "view") else ("latest_residents",),
    )
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    totals = listed = None
    if can(request.user, ResidentCount, "view"):
        totals = residents_totals(user=request.user, as_of=as_of)
        if _narrowed(filterset):
            listed = filterset.qs.aggregate(total=Sum("latest_residents"))["total"] or 0
    total, providing = social_work_share(user=request.user)
    return render(
        request,
        "organizations/facilities.html",
        {
            "social_work": {
                "total": total,
                "providing": providing,
                "percent": round(100 * providing / total) if total else None,
            },
            "filter": filterset,
            "table": table,
            "totals": totals,
            "listed_residents": listed,
            "as_of": as_of,
            "perms_review": can(request.user, ResidentCount, "review"),
        },
    )


def _narrowed(filterset) -> bool:
    """Whether a filter other than the date narrows the list."""
    if not filterset.is_bound:
        return False
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    return any(v not in (None, "", []) for k, v in data.items() if k != "as_of")


@login_required
def facility_map(request):
    """The facilities on a map (Leaflet, tiles from ``CTXH_MAP_TILE_URL``) and, beside it,
    the same facilities as a list, so the page serves even when no tile can be loaded."""
    require(request.user, Organization, "view")
    filterset, as_of = filtered_facilities(request)
    qs = filterset.qs  # in name order, or a search's best matches first
    facilities = list(qs[:MAP_LIST_LIMIT])
    total = len(facilities) if len(facilities) < MAP_LIST_LIMIT else qs.count()
    missing = sum(
        1
        for org in facilities
        if getattr(org, "facility", None) is None
        or org.facility.latitude is None
        or org.facility.longitude is None
    )
    return render(
        request,
        "organizations/map.html",
        {
            "filter": filterset,
            "facilities": facilities,
            "total": total,
            "truncated": total > len(facilities),
            "missing": missing,
            "as_of": as_of,
            "tile_url": settings.CTXH_MAP_TILE_URL,
            "tile_attribution": settings.CTXH_MAP_TILE_ATTRIBUTION,
        },
    )


@login_required
def facility_map_data(request):
    """Markers of the facilities the user may see (same filters as the map page)."""
    require(request.user, Organization, "view")
    filterset, _as_of = filtered_facilities(request)
    return JsonResponse(map_markers(filterset.qs))


@login_required
def headcount_submit_view(request, pk: int):
    """Record a facility's residents by target group for a period (a correction when the
    period already has figures: the earlier ones stay in the history)."""
    require(request.user, ResidentCount, "add")
    org = get_visible_or_404(request.user, Organization, "view", pk=pk)
    if not org.is_facility or not can_submit(request.user, org):
        # Not a facility, or visible but not theirs to report: like one that does not exist.
        raise Http404
    latest_period, initial_counts = latest_counts(user=request.user, facility=org)
    findings = None
    form = HeadcountForm(
        request.POST if request.method == "POST" else None,
        facility=org,
        initial_counts=initial_counts,
        initial={"period_end": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = headcount_submit(
                by=request.user,
                facility=org,
                period_end=form.cleaned_data["period_end"],
                counts=form.counts(),
                note=form.cleaned_data["note"],
                confirmed=form.cleaned_data["confirm"],
                reason=form.cleaned_data["reason"],
            )
        except HeadcountNeedsConfirmation as exc:
            findings = exc.findings  # shown with the confirmation box; nothing written
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if result.created:
                messages.success(
                    request,
                    _("Headcount as of %(date)s saved (%(n)s figures changed).")
                    % {
                        "date": form.cleaned_data["period_end"].strftime("%d/%m/%Y"),
                        "n": len(result.created),
                    },
                )
            if result.flagged:
                messages.warning(
                    request,
                    _(
                        "%(n)s figures await the programme office's review; until then they "
                        "count as provisional."
                    )
                    % {"n": len(result.flagged)},
                )
            else:
                messages.info(request, _("Nothing changed: these figures were already recorded."))
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("organizations:detail", pk=org.pk)
    return render(
        request,
        "organizations/headcount_form.html",
        {
            "org": org,
            "form": form,
            "latest_period": latest_period,
            "findings": findings,
            # Ask for the confirmation again when it was given but the reason was missing.
            "confirming": findings is not None
            or bool(form.is_bound and (form["confirm"].value() or form["reason"].errors)),
            "returned": returned_headcounts(user=request.user, facility=org),
        },
    )
