"""Step 4 of the procedure, the preferences: the student's own ranking page, and the same
page for a school's coordinator or the programme office entering a student's ranking.

The page works without JavaScript: one form holds a rank select per eligible offer (saved
together) and buttons that add an offer or move one up, down or out of the ranking (each
saved at once through :func:`~ctxh.practicum.services.preferences.preferences_set`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core.permissions import require
from ctxh.core.scoping import scope_for

from ..forms.offers import OfferFilterForm
from ..models import Offer, Preference, Student
from ..selectors.offers import current_student, student_offer_choices
from ..services.preferences import preferences_frozen_for, preferences_set


class RankingError(Exception):
    """Input the page cannot turn into a ranking (shown, nothing saved)."""


def _wanted_ranking(post, current: list[int]) -> list[int]:
    """The ranking (offer ids in order) that the posted form asks for."""
    op, _sep, arg = post.get("op", "save").partition(":")
    if op == "save":
        chosen: dict[int, int] = {}
        for key, value in post.items():
            if not key.startswith("rank-") or not value:
                continue
            offer_id, rank = key[5:], value
            if not (offer_id.isdigit() and rank.isdigit()):
                raise RankingError(_("The ranking sent is not valid."))
            rank = int(rank)
            if rank in chosen:
                raise RankingError(
                    _("Two offers have the same rank %(rank)d: give each a different rank.")
                    % {"rank": rank}
                )
            chosen[rank] = int(offer_id)
        return [chosen[rank] for rank in sorted(chosen)]
    if not arg.isdigit():
        raise RankingError(_("The ranking sent is not valid."))
    offer_id = int(arg)
    ranking = list(current)
    if op == "add":
        if offer_id in ranking:
            raise RankingError(_("This offer is already in your ranking."))
        return [*ranking, offer_id]
    if offer_id not in ranking:
        raise RankingError(_("This offer is not in the ranking."))
    i = ranking.index(offer_id)
    if op == "remove":
        ranking.pop(i)
    elif op == "up" and i > 0:
        ranking[i - 1], ranking[i] = ranking[i], ranking[i - 1]
    elif op == "down" and i < len(ranking) - 1:
        ranking[i + 1], ranking[i] = ranking[i], ranking[i + 1]
    elif op not in ("up", "down"):
        raise RankingError(_("The ranking sent is not valid."))
    return ranking


def _ranking_page(request, student: Student, *, own: bool):
    period = student.period
    here = request.get_full_path()
    errors: list[str] = []
    if request.method == "POST":
        current = list(
            Preference.objects.filter(student=student)
            .order_by("rank")
            .values_list("offer_id", flat=True)
        )
        try:
            wanted = _wanted_ranking(request.POST, current)
            found = Offer.objects.in_bulk(wanted)
            if len(found) != len(set(wanted)):
                raise RankingError(_("One of the offers no longer exists."))
            preferences_set(student=student, offers=[found[i] for i in wanted], by=request.user)
        except RankingError as error:
            errors.append(str(error))
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            messages.success(request, _("The ranking is saved."))
            return redirect(here)
    filters = OfferFilterForm(request.GET or None, period=period, show_facility=False)
    choices = student_offer_choices(student, filters.values() if filters.is_bound else {})
    ranked = [c for c in choices if c.rank]
    return render(
        request,
        "practicum/preferences.html",
        {
            "student": student,
            "period": period,
            "own": own,
            "filters": filters,
            "ranked": ranked,
            "eligible": [c for c in choices if not c.rank and c.eligible],
            "ineligible": [c for c in choices if not c.rank and not c.eligible],
            "frozen": preferences_frozen_for(request.user, period),
            "late": timezone.now() >= period.preference_deadline,
            "ranks": range(1, period.max_choices + 1),
            "errors": errors,
            "posted": request.POST if errors else None,
        },
    )


@login_required
def my_preferences(request):
    """The signed-in student's own ranking (``?period=`` or their current period)."""
    require(request.user, Preference, "change")
    wanted = request.GET.get("period", "")
    student = current_student(request.user, int(wanted) if wanted.isdigit() else None)
    if student is None:
        return render(request, "practicum/no_student.html", {})
    return _ranking_page(request, student, own=True)


@login_required
def student_preferences(request, pk: int):
    """A student's ranking entered by their school's coordinator or the programme office (a
    student reaches only their own: any other answers 404)."""
    scope = scope_for(request.user, Preference, "change")
    if scope.empty:
        raise PermissionDenied
    student = get_object_or_404(Student.objects.select_related("round", "period", "school"), pk=pk)
    if not scope.covers(student.school_id, owner_id=student.user_id):
        raise Http404
    return _ranking_page(request, student, own=student.user_id == request.user.pk)


urlpatterns = [
    path("preferences/", my_preferences, name="my_preferences"),
    path("students/<int:pk>/preferences/", student_preferences, name="student_preferences"),
]
