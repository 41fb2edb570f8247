"""Direct downloads of the organisation list and of the facilities page as Excel or CSV,
with the page's filters.

Rows come from the same scoped selector and FilterSet as the page, so a download never
holds more than the user may see. Both formats are produced in constant memory (see
:mod:`ctxh.core.exporting`); the background export job stays for very large lists.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core.exporting import csv_response, xlsx_response
from ctxh.core.permissions import can, require

from ..filters import OrganizationFilter
from ..jobs import EXPORT_HEADERS, export_rows
from ..models import Organization, ResidentCount, TargetGroup
from ..selectors import organization_list, residents_by_group
from .network import filtered_facilities


def _filtered(request):
    require(request.user, Organization, "view")
    return OrganizationFilter(request.GET, queryset=organization_list(user=request.user)).qs


def _filename(extension: str) -> str:
    return f"to-chuc-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


@login_required
def organization_export_xlsx(request):
    return xlsx_response(
        headers=EXPORT_HEADERS,
        rows=export_rows(_filtered(request)),
        filename=_filename("xlsx"),
        sheet_title="To chuc",
    )


@login_required
def organization_export_csv(request):
    return csv_response(
        headers=EXPORT_HEADERS, rows=export_rows(_filtered(request)), filename=_filename("csv")
    )


# The facilities page: the same filters (and "as of" date) as the page, each facility with
# its public facts and, for those who may read them, its accepted residents by target group
# and the date they refer to. No personal data: facilities only.

FACILITY_CHUNK = 500


def _facility_headers(groups) -> list[str]:
    return [
        _("Code"),
        _("Name"),
        _("Type"),
        _("Ownership"),
        _("Ward/commune"),
        _("Address"),
        _("Target groups served"),
        _("Provides social-work services"),
        _("Capacity (people)"),
        _("Residents as of"),
        _("Residents (accepted)"),
        *[g.name for g in groups],
        _("Figures awaiting review"),
    ]


def _facility_rows(user, queryset, groups):
    chunk: list = []

    def flush():
        counts = residents_by_group(
            user=user, periods={o.pk: o.latest_period for o in chunk if o.latest_period}
        )
        for org in chunk:
            profile = getattr(org, "facility", None)
            by_group = counts.get(org.pk, {})
            yield [
                org.code,
                org.name,
                org.get_kind_display(),
                org.get_ownership_display(),
                org.ward.name if org.ward_id else "",
                org.address,
                ", ".join(g.name for g in profile.target_groups.all()) if profile else "",
                (_("Yes") if profile.provides_social_work_services else _("No")) if profile else "",
                profile.capacity if profile else "",
                org.latest_period.strftime("%d/%m/%Y") if org.latest_period else "",
                org.latest_residents if org.latest_residents is not None else "",
                *[by_group.get(g.pk, "") for g in groups],
                org.awaiting_review or "",
            ]

    for org in queryset.iterator(chunk_size=FACILITY_CHUNK):
        chunk.append(org)
        if len(chunk) == FACILITY_CHUNK:
            yield from flush()
            chunk = []
    yield from flush()


def _facility_export(request):
    require(request.user, Organization, "view")
    filterset, _as_of = filtered_facilities(request)
    groups = (
        list(TargetGroup.objects.order_by("order", "code"))
        if can(request.user, ResidentCount, "view")
        else []
    )
    return _facility_headers(groups), _facility_rows(request.user, filterset.qs, groups)


def _facility_filename(extension: str) -> str:
    return f"co-so-tro-giup-xa-hoi-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


@login_required
def facility_export_xlsx(request):
    headers, rows = _facility_export(request)
    return xlsx_response(
        headers=headers, rows=rows, filename=_facility_filename("xlsx"), sheet_title="Co so"
    )


@login_required
def facility_export_csv(request):
    headers, rows = _facility_export(request)
    return csv_response(headers=headers, rows=rows, filename=_facility_filename("csv"))
