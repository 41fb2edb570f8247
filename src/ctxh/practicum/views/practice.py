"""A placement's practice on its page: start, confirm completion, interrupt, and the
completion letter. ``placement_sections`` is what the placement page shows of part 2."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ctxh.core.permissions import get_visible_or_404
from ctxh.core.transitions import available_transitions

from ..models import Evaluation, Placement
from ..selectors.evaluations import due_kinds
from ..selectors.hours import approved_hours
from ..selectors.placement_roles import roles_on
from ..services import completion
from .letters import _placement_letter


def placement_sections(user, placement: Placement) -> dict:
    """The part-2 context of the placement page: hours, what the user may do next."""
    moves = {target: move for target, move in available_transitions(placement, user)}
    S = Placement.Status
    hours = approved_hours(placement)
    required = placement.student.round.required_hours
    roles = roles_on(user, placement)
    return {
        "practice_started": placement.status in (S.IN_PRACTICE, S.COMPLETED, S.INTERRUPTED),
        "approved_hours": completion.format_hours(hours),
        "required_hours": required,
        "hours_percent": min(int(hours * 100 / required), 100) if required else 0,
        "can_start": S.IN_PRACTICE in moves,
        "can_complete": S.COMPLETED in moves,
        "completion_problems": completion.completion_problems(placement, hours=hours)
        if S.COMPLETED in moves
        else [],
        "can_interrupt": S.INTERRUPTED in moves,
        "completion_letter": completion.completion_letter(placement)
        if placement.status == S.COMPLETED
        else None,
        "evaluations_due": [(k, Evaluation.Kind(k).label) for k in due_kinds(user, placement)],
        "follows": bool(roles),
    }


def _movable(request, pk: int) -> Placement:
    return get_visible_or_404(request.user, Placement, "view", pk=pk)


def _done(request, placement: Placement):
    return redirect(reverse("practicum:placement_detail", args=[placement.pk]))


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def placement_start(request, pk: int):
    placement = _movable(request, pk)
    try:
        completion.placement_start(placement=placement, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The practice has started."))
    return _done(request, placement)


@login_required
@require_POST
def placement_complete(request, pk: int):
    placement = _movable(request, pk)
    try:
        completion.placement_complete(placement=placement, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Completion confirmed; the completion letter is issued."))
    return _done(request, placement)


@login_required
@require_POST
def placement_interrupt(request, pk: int):
    placement = _movable(request, pk)
    try:
        completion.placement_interrupt(
            placement=placement, reason=request.POST.get("reason", ""), by=request.user
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The placement is interrupted; its history is kept."))
    return _done(request, placement)


@login_required
@require_http_methods(["GET", "POST"])
def letter_completion(request, pk: int):
    """The completion letter: issued when the facility confirms completion (POST issues
    it again only if it was voided); the student downloads their own."""
    return _placement_letter(
        request,
        pk,
        issuer_field="facility",
        existing=completion.completion_letter,
        issue=completion.issue_completion_letter,
        title=_("Completion letter"),
    )


urlpatterns = [
    path("placements/<int:pk>/start/", placement_start, name="placement_start"),
    path("placements/<int:pk>/complete/", placement_complete, name="placement_complete"),
    path("placements/<int:pk>/interrupt/", placement_interrupt, name="placement_interrupt"),
    path("placements/<int:pk>/letters/completion/", letter_completion, name="letter_completion"),
]
