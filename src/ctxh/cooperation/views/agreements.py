"""Agreements: the list, the page of one (its partners, areas, signed file, plans by year
with their progress, status moves), recording and editing one, opening a year's plan.
Also the helpers the plan and research pages share (pagination, a status move)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import filter_search
from ctxh.core.transitions import available_transitions

from ..forms.agreements import AgreementForm, MoveForm, PlanForm
from ..models import ActionPlan, Agreement
from ..selectors.agreements import plans_progress
from ..services import agreements as services

PER_PAGE = 25


def paginate(request, rows, per_page: int = PER_PAGE):
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def apply_move(request, obj, move) -> bool:
    """Run ``move(to=..., reason=...)`` from a POSTed :class:`MoveForm`; messages say how
    it went. True when the status changed."""
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid change."))
        return False
    to = form.cleaned_data["to"]
    if to not in type(obj).Status.values:
        messages.error(request, _("Choose a valid change."))
        return False
    try:
        move(to=to, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        error_messages(request, error)
        return False
    messages.success(
        request,
        _("“%(name)s” is now %(status)s.")
        % {"name": obj, "status": obj.get_status_display().lower()},
    )
    return True


@login_required
@require_GET
def agreements(request):
    """The agreements: search by number or title, filter by status, paginated."""
    require(request.user, Agreement, "view")
    qs = (
        Agreement.objects.visible_to(request.user)
        .select_related("agency")
        .prefetch_related("partners")
    )
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    qs = filter_search(qs, q)
    if status in Agreement.Status.values:
        qs = qs.filter(status=status)
    return render(
        request,
        "cooperation/agreements/list.html",
        {
            "page": paginate(request, qs),
            "q": q,
            "status": status,
            "statuses": Agreement.Status.choices,
            "can_add": can(request.user, Agreement, "add"),
        },
    )


def _form_page(request, *, agreement=None):
    instance = Agreement.objects.get(pk=agreement.pk) if agreement else None
    form = AgreementForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.agreement_save(
                by=request.user, agreement=agreement, **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The agreement “%(name)s” is saved.") % {"name": saved})
            return redirect("cooperation:agreement_detail", pk=saved.pk)
    return render(
        request,
        "cooperation/agreements/form.html",
        {
            "form": form,
            "title": str(agreement) if agreement else _("New agreement"),
            "crumbs": [(_("Agreements"), "cooperation:agreements", None)]
            + (
                [(str(agreement), "cooperation:agreement_detail", agreement.pk)]
                if agreement
                else []
            ),
        },
    )


@login_required
def agreement_create(request):
    require(request.user, Agreement, "add")
    return _form_page(request)


@login_required
def agreement_edit(request, pk: int):
    agreement = get_visible_or_404(request.user, Agreement, "change", pk=pk)
    return _form_page(request, agreement=agreement)


@login_required
@require_GET
def agreement_detail(request, pk: int):
    user = request.user
    require(user, Agreement, "view")
    agreement = get_object_or_404(
        Agreement.objects.visible_to(user).select_related("agency", "signed_file"), pk=pk
    )
    plans = list(agreement.plans.order_by("-year"))
    progress = plans_progress(plans)
    may_plan = scope_for(user, ActionPlan, "add").covers(agreement.agency_id)
    return render(
        request,
        "cooperation/agreements/detail.html",
        {
            "agreement": agreement,
            "partners": list(agreement.partners.order_by("sort_key")),
            "plans": [(plan, progress.get(plan.pk)) for plan in plans],
            "moves": available_transitions(agreement, user),
            "may_edit": scope_for(user, Agreement, "change").covers_object(agreement),
            "plan_form": PlanForm() if may_plan else None,
        },
    )


@login_required
@require_POST
def agreement_move(request, pk: int):
    agreement = get_visible_or_404(request.user, Agreement, "change", pk=pk)
    apply_move(
        request,
        agreement,
        lambda to, reason: services.agreement_move(
            agreement=agreement, to=to, by=request.user, reason=reason
        ),
    )
    return redirect("cooperation:agreement_detail", pk=agreement.pk)


@login_required
@require_POST
def plan_create(request, pk: int):
    require(request.user, ActionPlan, "add")
    agreement = get_object_or_404(Agreement.objects.visible_to(request.user), pk=pk)
    if not scope_for(request.user, ActionPlan, "add").covers(agreement.agency_id):
        raise Http404
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            plan = services.plan_create(agreement=agreement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            error_messages(request, error)
        else:
            messages.success(request, _("The plan for %(year)s is open.") % {"year": plan.year})
            return redirect("cooperation:plan", pk=plan.pk)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("cooperation:agreement_detail", pk=agreement.pk)


urlpatterns = [
    path("agreements/", agreements, name="agreements"),
    path("agreements/new/", agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/edit/", agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/move/", agreement_move, name="agreement_move"),
    path("agreements/<int:pk>/plans/new/", plan_create, name="plan_create"),
]
