"""Attendance pages: the class's grid (sessions × participants, ticked in bulk per
session), the session's QR code for the room's screen, and the participant's check-in
page on a phone.

Who: the organiser or provider of the class (and the programme office) tick and show the
QR code; the programme office and the viewer read the grid; any signed-in account checks
in — the service decides whether it is an accepted participant of the class.
"""

from __future__ import annotations

from collections import Counter

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ctxh.core.permissions import require
from ctxh.core.scoping import scope_for

from ..models import Attendance, ClassSession, Enrollment, TrainingClass
from ..services import attendance as service


def _covers_class(user, model, action: str, training_class: TrainingClass) -> bool:
    return service.may_run(user, training_class, model, action)


def _class_for(request, pk: int, action: str = "view") -> TrainingClass:
    """The class if the user may ``action`` its attendance (403 for a role that never
    may, 404 for a class outside their reach)."""
    require(request.user, Attendance, action)
    training_class = get_object_or_404(
        TrainingClass.objects.select_related("course", "organizer", "provider"), pk=pk
    )
    if not _covers_class(request.user, Attendance, action, training_class):
        raise Http404
    return training_class


def _grid(training_class: TrainingClass):
    sessions = list(training_class.sessions.all())
    participants = list(
        Enrollment.objects.filter(training_class=training_class, status=Enrollment.Status.ACCEPTED)
        .select_related("person", "organization")
        .order_by("person__sort_key", "full_name", "id")
    )
    marks = {
        (row.session_id, row.enrollment_id): row
        for row in Attendance.objects.filter(session__training_class=training_class)
    }
    rows = [
        {
            "enrollment": e,
            "cells": [marks.get((s.pk, e.pk)) for s in sessions],
            "attended": sum(
                1
                for s in sessions
                if (m := marks.get((s.pk, e.pk))) and m.status in service.ATTENDED
            ),
        }
        for e in participants
    ]
    columns = []
    for index, session in enumerate(sessions):
        counts = Counter(row["cells"][index].status for row in rows if row["cells"][index])
        columns.append(
            {
                "session": session,
                "present": counts[Attendance.Status.PRESENT],
                "late": counts[Attendance.Status.LATE],
                "absent": counts[Attendance.Status.ABSENT],
                "unrecorded": len(rows) - sum(counts.values()),
                "open": service.session_is_open(session),
            }
        )
    return sessions, rows, columns


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk: int):
    training_class = _class_for(request, pk)
    may_mark = _covers_class(request.user, Attendance, "change", training_class)
    if request.method == "POST":
        if not may_mark:
            raise PermissionDenied
        session = get_object_or_404(
            ClassSession, pk=request.POST.get("session") or 0, training_class=training_class
        )
        marks = {
            key.removeprefix("mark_"): value
            for key, value in request.POST.items()
            if key.startswith("mark_")
        }
        if request.POST.get("fill") in Attendance.Status.values:
            # "Everyone not ticked is present": the participants without a mark on the form.
            for enrollment_id in Enrollment.objects.filter(
                training_class=training_class, status=Enrollment.Status.ACCEPTED
            ).values_list("pk", flat=True):
                if not marks.get(str(enrollment_id)):
                    marks[str(enrollment_id)] = request.POST["fill"]
        try:
            counts = service.attendance_mark(session=session, marks=marks, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _(
                    "Attendance of %(date)s saved (%(present)d marked present, %(late)d late, "
                    "%(absent)d absent)."
                )
                % {"date": session.date.strftime("%d/%m/%Y"), **counts},
            )
        return redirect(f"{reverse('training:attendance', args=[pk])}#session-{session.pk}")
    sessions, rows, columns = _grid(training_class)
    return render(
        request,
        "training/attendance/grid.html",
        {
            "training_class": training_class,
            "sessions": sessions,
            "rows": rows,
            "columns": columns,
            "may_mark": may_mark and training_class.status in service.RECORDING,
            "statuses": Attendance.Status.choices,
            "margin_minutes": int(service.CHECKIN_MARGIN.total_seconds() // 60),
        },
    )


def _late_minutes() -> int:
    return int(service.LATE_AFTER.total_seconds() // 60)


def checkin_url(session: ClassSession) -> str:
    """The absolute address in the session's QR code."""
    base = settings.CTXH_BASE_URL.rstrip("/")
    return base + reverse("training:checkin", kwargs={"token": session.checkin_token})


@login_required
@require_GET
def session_qr(request, pk: int):
    require(request.user, Attendance, "change")
    session = get_object_or_404(
        ClassSession.objects.select_related("training_class__course"), pk=pk
    )
    if not _covers_class(request.user, Attendance, "change", session.training_class):
        raise Http404
    url = checkin_url(session)
    opens, closes = service.session_window(session)
    now = timezone.now()
    return render(
        request,
        "training/attendance/qr.html",
        {
            "session": session,
            "training_class": session.training_class,
            "url": url,
            "qr": segno.make_qr(url, error="m").svg_inline(scale=10, border=2, omitsize=True),
            "opens": opens,
            "closes": closes,
            "late_minutes": _late_minutes(),
            "state": "open" if opens <= now <= closes else ("early" if now < opens else "over"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request, token: str):
    session = service.session_for_token(token)
    if request.method == "POST":
        try:
            result = service.checkin(token=token, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            recorded = timezone.localtime(result.attendance.recorded_at).strftime("%H:%M")
            if result.late:
                messages.warning(request, _("Checked in at %(t)s — late.") % {"t": recorded})
            else:
                messages.success(request, _("Checked in at %(t)s. Welcome!") % {"t": recorded})
        return redirect("training:checkin", token=token)
    if session is None:
        return render(request, "training/attendance/checkin.html", {"unknown": True}, status=404)
    record = (
        Attendance.objects.filter(session=session, enrollment__person__user=request.user)
        .exclude(status=Attendance.Status.ABSENT, method=Attendance.Method.ORGANIZER)
        .first()
    )
    enrolled = Enrollment.objects.filter(
        training_class=session.training_class,
        person__user=request.user,
        status=Enrollment.Status.ACCEPTED,
    ).exists()
    opens, closes = service.session_window(session)
    return render(
        request,
        "training/attendance/checkin.html",
        {
            "session": session,
            "training_class": session.training_class,
            "record": record,
            "enrolled": enrolled,
            "open": service.session_is_open(session),
            "late_minutes": _late_minutes(),
            "opens": opens,
            "closes": closes,
        },
    )


def may_see_attendance(user, training_class: TrainingClass) -> bool:
    """Whether the class page may link to its attendance grid for ``user``."""
    return not scope_for(user, Attendance, "view").empty and _covers_class(
        user, Attendance, "view", training_class
    )


urlpatterns = [
    path("classes/<int:pk>/attendance/", attendance, name="attendance"),
    path("sessions/<int:pk>/qr/", session_qr, name="session_qr"),
    path("checkin/<str:token>/", checkin, name="checkin"),
]
