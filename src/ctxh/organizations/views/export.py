"""Direct downloads of the organisation list as Excel or CSV, with the list's filters.

Rows come from the same scoped selector and FilterSet as the page, so a download never
holds more than the user may see. Both formats are produced in constant memory (see
:mod:`ctxh.core.exporting`); the background export job stays for very large lists.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils import timezone

from ctxh.core.exporting import csv_response, xlsx_response
from ctxh.core.permissions import require

from ..filters import OrganizationFilter
from ..jobs import EXPORT_HEADERS, export_rows
from ..models import Organization
from ..selectors import organization_list


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
