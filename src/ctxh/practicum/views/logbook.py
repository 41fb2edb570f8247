"""The logbook pages: a placement's logbook (the student writes, everyone of the placement
reads), an entry's edit or correction, the instructor's decisions and approval page, and
the learning agreement.

Who reaches a placement's logbook: the permission table's ``view`` (the programme office,
the school's coordinators, the facility's managers, the student themself) or, for a field
instructor, :func:`~ctxh.practicum.selectors.instructors.supervises`. Anyone else with a
role that reaches logbooks gets 404; a role that never does, 403.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ctxh.core.scoping import scope_for

from ..forms.logbook import LogEntryForm, ReturnForm
from ..models import PRACTICE_STATUSES, LogEntry, Placement
from ..selectors import logbook as reading
from ..selectors.instructors import instructor_for_user, supervises
from ..services import logbook as services

#: Placements that never reached practice have no logbook.
NO_LOGBOOK = ("proposed", "declined")


def placement_access(request, pk: int, model: type[Model] = LogEntry) -> tuple[Placement, dict]:
    """The placement ``pk`` if ``request.user`` may read its logbook (or agreement, with
    ``model``), with what they are to it: 403 when their role never reads these, 404 when
    this placement is not theirs to read."""
    user = request.user
    view = scope_for(user, model, "view")
    supervise = scope_for(user, model, "supervise")
    if view.empty and supervise.empty:
        raise PermissionDenied
    placement = get_object_or_404(
        Placement.objects.select_related(
            "student__round",
            "student__user",
            "school",
            "facility",
            "offer",
            "instructor__instructor__person",
        ),
        pk=pk,
    )
    if placement.status in NO_LOGBOOK:
        raise Http404
    is_instructor = supervises(user, placement)
    if not is_instructor and not view.covers_object(model(placement=placement)):
        raise Http404
    return placement, {
        "is_student": placement.student.user_id == user.pk,
        "is_instructor": is_instructor,
        "open": placement.status in PRACTICE_STATUSES,
    }


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request, fallback: str) -> str:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return fallback


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(m) for m in ValidationError(msgs).messages]
            for name, msgs in error.error_dict.items()
        }
    return {"__all__": list(error.messages)}


def _apply_errors(form, error: ValidationError) -> None:
    for name, items in _errors(error).items():
        form.add_error(None if name not in form.fields else name, items)


@login_required
@require_http_methods(["GET", "POST"])
def logbook(request, pk: int):
    """A placement's logbook: progress, entries by week; the student adds entries here
    (from a script that keeps unsent entries on the device: JSON answers)."""
    placement, access = placement_access(request, pk)
    url = reverse("practicum:logbook", args=[placement.pk])
    form = LogEntryForm(initial={"date": timezone.localdate()})
    if request.method == "POST":
        if not access["is_student"]:
            raise PermissionDenied
        form = LogEntryForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry, created = services.entry_create(
                    placement=placement,
                    date=data["date"],
                    hours=data["hours"],
                    activity=data["activity"],
                    description=data["description"],
                    client_id=data.get("client_id"),
                    submit="draft" not in request.POST,
                    by=request.user,
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                message = (
                    _("Entry of %(date)s saved.") % {"date": entry.date.strftime("%d/%m/%Y")}
                    if created
                    else _("This entry had already arrived; it was not written twice.")
                )
                if _wants_json(request):
                    return JsonResponse(
                        {"ok": True, "id": entry.pk, "created": created, "message": message}
                    )
                messages.success(request, message)
                return redirect(url)
        if _wants_json(request):
            errors = {k: [str(m) for m in v] for k, v in form.errors.items()}
            return JsonResponse({"ok": False, "errors": errors}, status=400)
    today = timezone.localdate()
    return render(
        request,
        "practicum/logbook/logbook.html",
        {
            "placement": placement,
            **access,
            "progress": reading.hours_progress(placement, today=today),
            "weeks": reading.logbook_weeks(placement),
            "returned": reading.returned_entries(placement) if access["is_student"] else [],
            "form": form,
            "return_form": ReturnForm(),
            "title": _("Logbook of %(student)s") % {"student": placement.student.full_name},
        },
    )


def _entry(request, pk: int) -> tuple[LogEntry, Placement, dict]:
    entry = get_object_or_404(LogEntry.objects.only("pk", "placement_id"), pk=pk)
    placement, access = placement_access(request, entry.placement_id)
    entry = LogEntry.objects.select_related("supersedes").get(pk=pk)
    entry.placement = placement
    return entry, placement, access


@login_required
@require_http_methods(["GET", "POST"])
def logentry_edit(request, pk: int):
    """Change an entry not yet approved, or correct an approved one (a new version)."""
    entry, placement, access = _entry(request, pk)
    if not access["is_student"]:
        raise PermissionDenied
    url = reverse("practicum:logbook", args=[placement.pk])
    if not entry.current:
        messages.error(
            request, _("This entry was replaced by a correction; edit the latest version.")
        )
        return redirect(url)
    correcting = entry.status == LogEntry.Status.APPROVED
    form = LogEntryForm(
        request.POST or None,
        initial={
            "date": entry.date,
            "hours": entry.hours,
            "activity": entry.activity,
            "description": entry.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {name: data[name] for name in ("date", "hours", "activity", "description")}
        try:
            if correcting:
                services.entry_correct(entry=entry, by=request.user, **values)
                messages.success(request, _("Correction sent for approval."))
            else:
                services.entry_update(
                    entry=entry, by=request.user, submit="submit" in request.POST, **values
                )
                messages.success(request, _("Entry saved."))
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return redirect(url)
    return render(
        request,
        "practicum/logbook/entry_form.html",
        {
            "placement": placement,
            "entry": entry,
            "form": form,
            "correcting": correcting,
            "title": _("Correct an approved entry") if correcting else _("Edit an entry"),
        },
    )


@login_required
@require_POST
def logentry_submit(request, pk: int):
    entry, placement, access = _entry(request, pk)
    if not access["is_student"]:
        raise PermissionDenied
    try:
        services.entry_submit(entry=entry, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Entry submitted for approval."))
    return redirect(_back(request, reverse("practicum:logbook", args=[placement.pk])))


@login_required
@require_POST
def logentry_decide(request, pk: int):
    """The field instructor approves an entry or returns it with a comment."""
    entry, placement, access = _entry(request, pk)
    if not access["is_instructor"]:
        raise PermissionDenied
    action = request.POST.get("action")
    try:
        if action == "approve":
            services.entry_approve(entry=entry, by=request.user)
            messages.success(request, _("Entry approved."))
        elif action == "return":
            services.entry_return(
                entry=entry, comment=request.POST.get("comment", ""), by=request.user
            )
            messages.success(request, _("Entry returned to the student."))
        else:
            raise ValidationError(_("Choose “approve” or “return”."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(_back(request, reverse("practicum:logbook", args=[placement.pk])))


@login_required
@require_http_methods(["GET", "POST"])
def approvals(request):
    """The field instructor's entries to approve, by week and student: approve or return
    one, a student's week, or a whole week of all their students in one action."""
    if scope_for(request.user, LogEntry, "supervise").empty:
        raise PermissionDenied
    here = reverse("practicum:approvals")
    if request.method == "POST":
        try:
            if request.POST.get("op") == "week":
                try:
                    week = dt.date.fromisoformat(request.POST.get("week", ""))
                except ValueError:
                    raise ValidationError(_("Choose a week.")) from None
                count = services.week_approve(
                    instructor_user=request.user, week_start=week, by=request.user
                )
            elif request.POST.get("return", "").isdigit():
                entry = get_object_or_404(
                    reading.waiting_entries(request.user), pk=int(request.POST["return"])
                )
                comment = request.POST.get(f"comment_{entry.pk}", "")
                services.entry_return(entry=entry, comment=comment, by=request.user)
                messages.success(request, _("Entry returned to the student."))
                return redirect(here)
            else:
                one = request.POST.get("one", "")
                ids = (
                    [int(one)]
                    if one.isdigit()
                    else [int(v) for v in request.POST.getlist("entry") if v.isdigit()]
                )
                rows = (
                    list(reading.waiting_entries(request.user).filter(pk__in=ids).only("pk"))
                    if ids
                    else []
                )
                if len(rows) != len(set(ids)):
                    raise ValidationError(
                        _("Some entries are no longer waiting for your approval; reload the page.")
                    )
                count = services.entries_approve(entries=rows, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(count)d entries approved.") % {"count": count})
        return redirect(here)
    data = reading.approvals_for(request.user)
    now = timezone.now()
    return render(
        request,
        "practicum/logbook/approvals.html",
        {
            **data,
            "linked": instructor_for_user(request.user) is not None,
            "waiting_days": (now - data["oldest"]).days if data["oldest"] else None,
            "now": now,
            "here": here,
            "title": _("Entries to approve"),
        },
    )


urlpatterns = [
    path("placements/<int:pk>/logbook/", logbook, name="logbook"),
    path("logbook/entries/<int:pk>/edit/", logentry_edit, name="logentry_edit"),
    path("logbook/entries/<int:pk>/submit/", logentry_submit, name="logentry_submit"),
    path("logbook/entries/<int:pk>/decide/", logentry_decide, name="logentry_decide"),
    path("logbook/approvals/", approvals, name="approvals"),
]
