"""``/monitoring/``: the programme's dashboard, and the ward table with its export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ctxh.core.exporting import xlsx_response
from ctxh.core.permissions import can, require

from ..models import Indicator, Report
from ..selectors.computations import figures_cache, today
from ..selectors.indicators import dashboard, programme_years, ward_table


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today().year
    return year if year in programme_years() else today().year


@login_required
def index(request):
    """Every active indicator against this year's and the 2030 target, with its light."""
    require(request.user, Indicator, "view")
    with figures_cache():
        board = dashboard(user=request.user, year=_year(request))
    return render(
        request,
        "monitoring/dashboard/index.html",
        {
            "board": board,
            "years": [y for y in programme_years() if y <= today().year],
            "may_see_reports": can(request.user, Report, "view"),
        },
    )


def _table(request):
    sort = request.GET.get("sort", "")
    descending = request.GET.get("order", "desc") != "asc"
    with figures_cache():
        return ward_table(year=_year(request), sort=sort, descending=descending)


@login_required
@require_GET
def wards(request):
    """The city's wards × the indicators with a ward breakdown, sortable by any of them."""
    require(request.user, Indicator, "view")
    table = _table(request)
    return render(request, "monitoring/dashboard/wards.html", {"table": table})


@login_required
@require_GET
def wards_export(request):
    """The ward table as an Excel file (numbers as numbers)."""
    require(request.user, Indicator, "view")
    table = _table(request)
    headers = [
        _("Code"),
        _("Ward/commune"),
        *[f"{i.name} ({i.get_unit_display()})" for i in table.indicators],
    ]
    rows = ([ward.pk, ward.name, *values] for ward, values in table.rows)
    return xlsx_response(
        headers=headers,
        rows=rows,
        filename=f"chi-tieu-theo-phuong-{table.year}.xlsx",
        sheet_title=str(table.year),
    )


urlpatterns = [
    path("", index, name="index"),
    path("wards/", wards, name="wards"),
    path("wards/export.xlsx", wards_export, name="wards_export"),
]
