"""Organisation pages: list, detail, create and edit, and the Excel export job.

The detail page shows what the organisation is; every further section — the facility's
profile and residents' headcounts (:mod:`ctxh.organizations.panels`), its staff
(workforce)… — comes through the ``organization_detail`` panel slot."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from ctxh.core import panels
from ctxh.core.jobs import start_job
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.scoping import scope_for

from .. import services
from ..filters import OrganizationFilter
from ..forms import FacilityProfileForm, OrganizationForm
from ..jobs import EXPORT_KIND
from ..models import FACILITY_KINDS, Organization
from ..selectors import network_facilities, organization_list
from ..tables import OrganizationTable


@login_required
def organization_list_view(request):
    require(request.user, Organization, "view")
    filterset = OrganizationFilter(request.GET, queryset=organization_list(user=request.user))
    table = OrganizationTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(
        request,
        "organizations/list.html",
        {
            "filter": filterset,
            "table": table,
            "can_add": scope_for(request.user, Organization, "add").everything,
        },
    )


@login_required
@require_POST
def organization_export(request):
    """Start an Excel export of the filtered list as a background job."""
    require(request.user, Organization, "view")
    with transaction.atomic():
        job = start_job(
            kind=EXPORT_KIND,
            title=_("Export of organisations"),
            by=request.user,
            params={"query": request.POST.get("query", "")},
        )
    return redirect("core:job", pk=job.pk)


@login_required
def organization_detail(request, pk: int):
    """An organisation within the user's scope; or, for a facility of the network the user
    may browse (schools, students, trainers, field instructors), its public facts only."""
    require(request.user, Organization, "view")
    org = Organization.objects.visible_to(request.user, "view").filter(pk=pk).first()
    public_only = org is None
    if public_only:
        org = get_object_or_404(network_facilities(request.user), pk=pk)
    can_change = (
        can(request.user, Organization, "change")
        and Organization.objects.visible_to(request.user, "change").filter(pk=pk).exists()
    )
    children = (
        []
        if public_only
        else org.children.visible_to(request.user, "view").order_by("sort_key", "id")[:50]
    )
    return render(
        request,
        "organizations/detail.html",
        {
            "org": org,
            "children": children,
            "can_change": can_change,
            "public_only": public_only,
            "panels": panels.render("organization_detail", request, org),
        },
    )


def _facility_form(request, org: Organization | None, kind: str | None):
    is_facility = (org.is_facility if org else False) or kind in FACILITY_KINDS
    if not is_facility:
        return None
    instance = getattr(org, "facility", None) if org else None
    return FacilityProfileForm(request.POST or None, instance=instance, prefix="facility")


@login_required
def organization_create(request):
    if not scope_for(request.user, Organization, "add").everything:
        require(request.user, Organization, "add")  # raises 403 for every other role
    form = OrganizationForm(request.POST or None, province_code=settings.CTXH_PROVINCE)
    facility_form = FacilityProfileForm(request.POST or None, prefix="facility")
    if request.method == "POST" and form.is_valid():
        wants_facility = form.cleaned_data["kind"] in FACILITY_KINDS
        if not wants_facility or facility_form.is_valid():
            org = services.organization_create(
                by=request.user,
                data=form.cleaned_data,
                facility=facility_form.cleaned_data if wants_facility else None,
            )
            messages.success(request, _("Organisation “%(name)s” created.") % {"name": org})
            return redirect("organizations:detail", pk=org.pk)
    return render(
        request,
        "organizations/form.html",
        {"form": form, "facility_form": facility_form, "title": _("New organisation")},
    )


@login_required
def organization_edit(request, pk: int):
    org = get_visible_or_404(request.user, Organization, "change", pk=pk)
    restricted = not scope_for(request.user, Organization, "change").everything
    form = OrganizationForm(
        request.POST or None,
        instance=org,
        restricted=restricted,
        province_code=settings.CTXH_PROVINCE,
    )
    facility_form = _facility_form(request, org, None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (facility_form is None or facility_form.is_valid())
    ):
        services.organization_update(
            organization=org,
            by=request.user,
            data={k: v for k, v in form.cleaned_data.items()},
            facility=facility_form.cleaned_data if facility_form else None,
        )
        messages.success(request, _("Changes saved."))
        return redirect("organizations:detail", pk=org.pk)
    return render(
        request,
        "organizations/form.html",
        {
            "form": form,
            "facility_form": facility_form,
            "org": org,
            "title": _("Edit %(name)s") % {"name": org.name},
        },
    )
