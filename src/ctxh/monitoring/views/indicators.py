"""The indicators: their list, one indicator's page (breakdowns, trend, targets and their
history), and the programme office's forms for a target and a value entered by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ctxh.core.permissions import can, require

from ..indicator_forms import TargetForm, ValueForm
from ..models import Indicator, IndicatorValue, Target
from ..selectors.computations import figures_cache, today
from ..selectors.indicators import indicator_page, indicator_search, programme_years
from ..services.indicators import indicator_value_save, target_save


@login_required
@require_GET
def indicator_list(request):
    """Every indicator (the inactive ones too): how each is obtained, its targets."""
    require(request.user, Indicator, "view")
    query = request.GET.get("q", "").strip()
    indicators = indicator_search(query).prefetch_related("targets")
    return render(
        request,
        "monitoring/indicators/list.html",
        {
            "indicators": indicators,
            "query": query,
            "can_change": can(request.user, Target, "change"),
        },
    )


@login_required
@require_GET
def indicator_detail(request, pk: int):
    """One indicator: value and light, trend, breakdowns, targets and their history."""
    require(request.user, Indicator, "view")
    indicator = get_object_or_404(Indicator, pk=pk)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = today().year
    if year not in programme_years() or year > today().year:
        year = today().year
    with figures_cache():
        page = indicator_page(user=request.user, indicator=indicator, year=year)
    return render(
        request,
        "monitoring/indicators/detail.html",
        {
            "page": page,
            "indicator": indicator,
            "year": year,
            "can_change": can(request.user, Target, "change"),
            "can_enter": can(request.user, IndicatorValue, "change")
            and indicator.method == Indicator.Method.MANUAL,
        },
    )


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def target_edit(request, pk: int):
    """Set a target of the indicator for a year (the city's, or a ward's)."""
    require(request.user, Target, "change")
    indicator = get_object_or_404(Indicator, pk=pk)
    initial = {"source": Target.Source.DECISION_3359}
    if request.method == "GET" and request.GET.get("year", "").isdigit():
        existing = Target.objects.filter(
            indicator=indicator, year=int(request.GET["year"]), ward__isnull=True
        ).first()
        if existing:
            initial = {
                "year": existing.year,
                "value": existing.value,
                "baseline_value": existing.baseline_value,
                "baseline_year": existing.baseline_year,
                "source": existing.source,
                "source_note": existing.source_note,
            }
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target_save(
                by=request.user,
                indicator=indicator,
                year=data["year"],
                ward=data["ward"],
                value=data["value"],
                baseline_value=data["baseline_value"],
                baseline_year=data["baseline_year"],
                source=data["source"],
                source_note=data["source_note"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The target is saved."))
            return redirect(reverse("monitoring:indicator", args=[indicator.pk]) + "#targets")
    targets = Target.objects.filter(indicator=indicator).select_related("ward")
    return render(
        request,
        "monitoring/indicators/target_form.html",
        {"form": form, "indicator": indicator, "targets": targets},
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
def value_edit(request, pk: int):
    """Enter the value of a manual indicator for a year (the city's, or a ward's)."""
    require(request.user, IndicatorValue, "change")
    indicator = get_object_or_404(Indicator, pk=pk, method=Indicator.Method.MANUAL)
    form = ValueForm(request.POST or None, initial={"year": today().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            indicator_value_save(
                by=request.user,
                indicator=indicator,
                year=data["year"],
                ward=data["ward"],
                value=data["value"],
                note=data["note"],
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, _("The value is saved."))
            return redirect(reverse("monitoring:indicator", args=[indicator.pk]) + "#values")
    return render(
        request,
        "monitoring/indicators/value_form.html",
        {"form": form, "indicator": indicator},
        status=400 if form.is_bound and form.errors else 200,
    )


urlpatterns = [
    path("indicators/", indicator_list, name="indicators"),
    path("indicators/<int:pk>/", indicator_detail, name="indicator"),
    path("indicators/<int:pk>/targets/", target_edit, name="target_edit"),
    path("indicators/<int:pk>/values/", value_edit, name="value_edit"),
]
