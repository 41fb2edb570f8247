"""Placement periods (step 2): the programme office opens, edits and moves them; everyone
in the procedure sees them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.transitions import available_transitions

from ..forms.periods import PeriodForm
from ..models import PlacementPeriod, Round
from ..selectors.rounds import period_summary
from ..services.periods import COMMIT_TARGETS, PERIOD_FIELDS, period_create, period_move
from ..services.periods import period_update as update


@login_required
@require_GET
def period_list(request):
    require(request.user, PlacementPeriod, "view")
    periods = PlacementPeriod.objects.visible_to(request.user).order_by("-starts_on", "-id")
    page = Paginator(periods, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "practicum/periods/list.html",
        {"page": page, "can_manage": can(request.user, PlacementPeriod, "manage")},
    )


def _buttons(period, user) -> list:
    # ALLOCATION → ACCEPTANCE ("commit") is not a plain button: the allocation's commit
    # service turns the chosen run into proposals and moves the period itself.
    return [
        (target, move)
        for target, move in available_transitions(period, user)
        if target not in COMMIT_TARGETS
    ]


@login_required
@require_GET
def period_detail(request, pk: int):
    period = get_visible_or_404(request.user, PlacementPeriod, "view", pk=pk)
    return render(
        request,
        "practicum/periods/detail.html",
        {
            "period": period,
            "summary": period_summary(period),
            "transitions": _buttons(period, request.user),
            "can_manage": can(request.user, PlacementPeriod, "manage"),
            "can_add_round": can(request.user, Round, "add"),
        },
    )


def _form_page(request, form, *, period=None, status=200):
    title = _("Edit the period") if period else _("New placement period")
    return render(
        request,
        "practicum/periods/form.html",
        {"form": form, "period": period, "title": title},
        status=status,
    )


@login_required
def period_create_view(request):
    require(request.user, PlacementPeriod, "manage")
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = period_create(
                by=request.user, **{k: form.cleaned_data[k] for k in PERIOD_FIELDS}
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The placement period is opened."))
            return redirect("practicum:period_detail", pk=period.pk)
    return _form_page(request, form, status=400 if request.method == "POST" else 200)


@login_required
def period_edit(request, pk: int):
    period = get_visible_or_404(request.user, PlacementPeriod, "manage", pk=pk)
    form = PeriodForm(request.POST or None, instance=period)
    if request.method == "POST" and form.is_valid():
        try:
            update(
                period=PlacementPeriod.objects.get(pk=pk),
                by=request.user,
                **{k: form.cleaned_data[k] for k in PERIOD_FIELDS},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The placement period is saved."))
            return redirect("practicum:period_detail", pk=pk)
    return _form_page(request, form, period=period, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def period_transition(request, pk: int):
    """Move the period to the status posted as ``to`` (one of the page's buttons)."""
    period = get_visible_or_404(request.user, PlacementPeriod, "manage", pk=pk)
    to = request.POST.get("to", "")
    if to in COMMIT_TARGETS:
        messages.error(request, _("An allocation is committed from the allocation runs page."))
        return redirect("practicum:period_detail", pk=pk)
    try:
        period_move(period=period, to=to, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The period is now “%(status)s”.") % {"status": period.get_status_display()},
        )
    return redirect("practicum:period_detail", pk=pk)


urlpatterns = [
    path("periods/", period_list, name="periods"),
    path("periods/new/", period_create_view, name="period_create"),
    path("periods/<int:pk>/", period_detail, name="period_detail"),
    path("periods/<int:pk>/edit/", period_edit, name="period_edit"),
    path("periods/<int:pk>/transition/", period_transition, name="period_transition"),
]
