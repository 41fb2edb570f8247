"""The learning agreement's page: the student writes the goals and proposes; the field
instructor and the school's coordinator approve (or send it back); after agreement, a
new version. Earlier agreed versions stay readable below."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ctxh.core.transitions import available_transitions

from ..forms.logbook import GoalFormSet
from ..models import LearningAgreement
from ..services import agreement as services
from .logbook import placement_access

A = LearningAgreement.Status


def _goal_rows(agreement):
    return [{name: getattr(g, name) for name in services.GOAL_FIELDS} for g in agreement.goals_of()]


def _versions(agreement) -> list[dict]:
    if agreement is None:
        return []
    archived = {
        v.number: v
        for v in agreement.versions.select_related(
            "instructor_approved_by", "coordinator_approved_by"
        )
    }
    goals: dict[int, list] = {}
    for goal in agreement.goals.filter(version__in=list(archived)).order_by("position", "pk"):
        goals.setdefault(goal.version, []).append(goal)
    return [
        {"version": archived[n], "goals": goals.get(n, [])} for n in sorted(archived, reverse=True)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request, pk: int):
    placement, access = placement_access(request, pk, LearningAgreement)
    url = reverse("practicum:agreement", args=[placement.pk])
    current = (
        LearningAgreement.objects.filter(placement=placement)
        .select_related("instructor_approved_by", "coordinator_approved_by")
        .first()
    )
    if current is not None:
        current.placement = placement
    editable = (
        access["is_student"] and access["open"] and (current is None or current.status == A.DRAFT)
    )
    formset = GoalFormSet(initial=_goal_rows(current) if current else None, prefix="goals")
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "save":
                if not access["is_student"]:
                    raise PermissionDenied
                formset = GoalFormSet(request.POST, prefix="goals")
                if not formset.is_valid():
                    raise ValidationError(_("Correct the goals marked below."))
                rows = [f.cleaned_data for f in formset.forms if f.cleaned_data]
                current = services.agreement_save(
                    placement=placement,
                    goals=rows,
                    note=request.POST.get("note", ""),
                    by=request.user,
                )
                if "propose" in request.POST:
                    services.agreement_propose(agreement=current, by=request.user)
                    messages.success(request, _("Agreement proposed for approval."))
                else:
                    messages.success(request, _("Agreement saved."))
                return redirect(url)
            if current is None:
                raise ValidationError(_("There is no learning agreement yet."))
            if op == "propose":
                services.agreement_propose(agreement=current, by=request.user)
                messages.success(request, _("Agreement proposed for approval."))
            elif op == "approve":
                done = services.agreement_approve(agreement=current, by=request.user)
                messages.success(
                    request,
                    _("The agreement is agreed.")
                    if done.status == A.AGREED
                    else _("Your approval is recorded."),
                )
            elif op == "reopen":
                services.agreement_reopen(
                    agreement=current, by=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("The agreement is back to draft."))
            elif op == "revise":
                services.agreement_revise(
                    agreement=current, by=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(request, _("A new version was started."))
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            if op != "save":
                return redirect(url)
        else:
            return redirect(url)
    moves = dict(available_transitions(current, request.user)) if current else {}
    side = services.approver_side(request.user, current) if current else None
    can_approve = (
        current is not None
        and current.status == A.PROPOSED
        and side is not None
        and not getattr(
            current, f"{'instructor' if side == services.INSTRUCTOR else 'coordinator'}_approved_at"
        )
    )
    return render(
        request,
        "practicum/agreement/agreement.html",
        {
            "placement": placement,
            **access,
            "agreement": current,
            "goals": list(current.goals_of()) if current else [],
            "formset": formset,
            "editable": editable,
            "can_propose": access["is_student"] and (current is None or current.status == A.DRAFT),
            "can_approve": can_approve,
            "side": side,
            "can_reopen": A.DRAFT in moves and current.status == A.PROPOSED,
            "can_revise": A.DRAFT in moves and current.status == A.AGREED,
            "versions": _versions(current),
            "title": _("Learning agreement of %(student)s")
            % {"student": placement.student.full_name},
        },
    )


urlpatterns = [path("placements/<int:pk>/agreement/", agreement, name="agreement")]
