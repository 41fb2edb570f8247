"""The practice network (step 1): browse the sites with filters and a map, a site's page,
and its form (the facility's managers, the programme office)."""

from __future__ import annotations

from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, require
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Organization

from ..forms.network import SiteFilterForm, SiteForm
from ..models import Level, Offer, PracticeSite, PracticeType
from ..selectors import network as selectors
from ..services.network import SITE_FIELDS, site_save

PER_PAGE = 20


@login_required
@require_GET
def network(request):
    """Every site of the network a user may see, filtered, a page at a time, on a map."""
    require(request.user, PracticeSite, "view")
    form = SiteFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    period = selectors.current_period(request.user)
    sites = selectors.site_list(user=request.user, period=period, **filters)
    page = Paginator(sites, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for site in page.object_list:
        site.practice_type_labels = _labels(site.practice_types, PracticeType)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "practicum/network/list.html",
        {
            "filter": SimpleNamespace(form=form),  # what includes/filter_form.html reads
            "page": page,
            "period": period,
            "markers": selectors.map_markers(sites),
            "query": query.urlencode(),
            "tile_url": settings.CTXH_MAP_TILE_URL,
            "tile_attribution": settings.CTXH_MAP_TILE_ATTRIBUTION,
        },
    )


def _labels(codes, choices) -> list[str]:
    names = dict(choices.choices)
    return [str(names.get(code, code)) for code in codes or []]


def _site_or_404(user, pk: int) -> PracticeSite:
    require(user, PracticeSite, "view")
    return get_object_or_404(
        PracticeSite.objects.visible_to(user).select_related("facility", "facility__ward"),
        facility_id=pk,
    )


@login_required
@require_GET
def site_detail(request, pk: int):
    """A site's page: what it accepts, its requirements, contact, instructors and offers."""
    site = _site_or_404(request.user, pk)
    period = selectors.current_period(request.user)
    offers = (
        Offer.objects.visible_to(request.user)
        .filter(facility_id=site.facility_id, period=period, status=Offer.Status.PUBLISHED)
        .order_by("practice_type", "level")
        if period
        else Offer.objects.none()
    )
    return render(
        request,
        "practicum/network/site_detail.html",
        {
            "site": site,
            "facility": site.facility,
            "period": period,
            "offers": offers,
            "instructors": selectors.site_instructors(site.facility),
            "target_groups": list(site.target_groups.all()),
            "practice_type_labels": _labels(site.practice_types, PracticeType),
            "level_labels": _labels(site.levels, Level),
            "can_edit": scope_for(request.user, PracticeSite, "change").covers(site.facility),
        },
    )


@login_required
def site_edit(request, pk: int):
    """Create or edit a facility's practice site (``pk``: the facility)."""
    require(request.user, PracticeSite, "change")
    facility = get_object_or_404(Organization.objects.facilities(), pk=pk)
    if not scope_for(request.user, PracticeSite, "change").covers(facility):
        raise Http404
    site = PracticeSite.objects.filter(facility=facility).first()
    initial = None
    if site is None:
        initial = {
            "address": facility.address,
            "contact_phone": facility.phone,
            "contact_email": facility.email,
            "contact_name": facility.head_name,
        }
    form = SiteForm(request.POST or None, instance=site, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data.get(name) for name in SITE_FIELDS}
        for name in ("language_required", "requirements", "address", "contact_name"):
            data[name] = data[name] or ""
        data["contact_phone"] = data["contact_phone"] or ""
        data["contact_email"] = data["contact_email"] or ""
        try:
            site_save(
                facility=facility,
                by=request.user,
                target_groups=form.cleaned_data["target_groups"],
                **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The practice site is saved."))
            return redirect("practicum:site_detail", pk=facility.pk)
    return render(
        request,
        "practicum/network/site_form.html",
        {
            "form": form,
            "facility": facility,
            "site": site,
            "title": _("Practice site: %(name)s") % {"name": facility.name},
            "can_browse": can(request.user, PracticeSite, "view"),
        },
        status=400 if request.method == "POST" else 200,
    )


urlpatterns = [
    path("network/", network, name="network"),
    path("network/<int:pk>/", site_detail, name="site_detail"),
    path("network/<int:pk>/edit/", site_edit, name="site_edit"),
]
