"""A placement's supervision sessions: the list (``practicum:supervision``), record one
(``supervision_add``), edit one (``supervision_edit``).

Whoever sees the placement sees the list of sessions; topics and notes only show to its
instructor, its student(s) and the school's coordinator. Another student, another
facility: the placement is not theirs (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ctxh.core.permissions import get_visible_or_404, require

from ..forms.evaluation import SessionForm, add_errors
from ..models import Placement, SupervisionSession
from ..selectors.supervision import (
    group_choices,
    may_read_notes,
    recordable_kinds,
    sessions_for,
)
from ..services import supervision


def _placement(request, pk: int) -> Placement:
    require(request.user, SupervisionSession, "view")
    return get_object_or_404(
        Placement.objects.visible_to(request.user, "view").select_related(
            "student__round", "facility", "school", "instructor__instructor__person"
        ),
        pk=pk,
    )


@login_required
@require_GET
def supervision_list(request, pk: int):
    placement = _placement(request, pk)
    sessions = list(sessions_for(placement))
    return render(
        request,
        "practicum/evaluation/supervision.html",
        {
            "placement": placement,
            "sessions": sessions,
            "notes": may_read_notes(request.user, placement),
            "may_add": bool(recordable_kinds(request.user, placement)),
            "total_minutes": sum(s.duration_minutes for s in sessions),
            "title": _("Supervision"),
        },
    )


def _form_page(request, placement, form, session=None):
    return render(
        request,
        "practicum/evaluation/session_form.html",
        {"placement": placement, "form": form, "session": session, "title": _("Supervision")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def supervision_add(request, pk: int):
    require(request.user, SupervisionSession, "add")
    placement = _placement(request, pk)
    kinds = recordable_kinds(request.user, placement)
    if not kinds:
        raise PermissionDenied
    form = SessionForm(request.POST or None, kinds=kinds, group_choices=group_choices(placement))
    if request.method == "POST" and form.is_valid():
        try:
            supervision.session_record(placement=placement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Session recorded."))
            return redirect(reverse("practicum:supervision", args=[placement.pk]))
    return _form_page(request, placement, form)


@login_required
@require_http_methods(["GET", "POST"])
def supervision_edit(request, pk: int):
    require(request.user, SupervisionSession, "change")
    session = get_visible_or_404(request.user, SupervisionSession, "change", pk=pk)
    placement = session.placement
    if session.kind not in recordable_kinds(request.user, placement):
        raise Http404  # another instructor's, another school's: not theirs to see
    initial = {
        "kind": session.kind,
        "format": session.format,
        "date": session.date,
        "duration_minutes": session.duration_minutes,
        "topics": session.topics,
        "notes": session.notes,
        "group": list(session.group.all()),
    }
    form = SessionForm(
        request.POST or None,
        initial=initial,
        kinds=[session.kind],
        group_choices=group_choices(placement),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("kind")
        try:
            supervision.session_update(session=session, by=request.user, **data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Session saved."))
            return redirect(reverse("practicum:supervision", args=[placement.pk]))
    return _form_page(request, placement, form, session)


urlpatterns = [
    path("placements/<int:pk>/supervision/", supervision_list, name="supervision"),
    path("placements/<int:pk>/supervision/add/", supervision_add, name="supervision_add"),
    path("supervision/<int:pk>/edit/", supervision_edit, name="supervision_edit"),
]
