"""Registration pages: register (oneself, or the organiser adds people), cancel, the
event's QR code for the room's screen, the check-in page on a phone, the organiser's
attendance ticks (and the desk's check-in by registration code), and the certificates.

Who: everyone signed in registers themself for an open event (the service checks the
event's mode, dates and invitations); the event's organisers add and cancel anyone, show
the QR code, tick attendance and issue certificates; a registrant cancels their own
registration.
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ctxh.core.permissions import get_visible_or_404, require
from ctxh.core.searchtext import search_q
from ctxh.workforce.models import Person

from ..models import Event, Registration
from ..models.events import may_cancel_registration, may_manage_event
from ..selectors import events as selectors
from ..services import event_certificates as certificates
from ..services import registration as services
from .event_forms import VisitorForm
from .events import managed_event


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _registered_message(request, row: Registration) -> None:
    if row.status == Registration.Status.WAITLISTED:
        messages.warning(
            request,
            _("The event is full: %(name)s is number %(n)d on the waiting list.")
            % {"name": row.full_name, "n": row.waitlist_position or 0},
        )
    else:
        messages.success(request, _("%(name)s is registered.") % {"name": row.full_name})


@login_required
@require_http_methods(["GET", "POST"])
def event_register(request, pk: int):
    """A signed-in user registers themself; an organiser adds registry people or a
    visitor."""
    require(request.user, Registration, "register")
    event = get_visible_or_404(request.user, Event, "view", pk=pk)
    manages = may_manage_event(request.user, event)
    visitor_form = VisitorForm(
        request.POST if request.POST.get("action") == "visitor" else None, prefix="v"
    )
    if request.method == "POST":
        action = request.POST.get("action", "self")
        if action != "self" and not manages:
            raise PermissionDenied
        try:
            if action == "self":
                _registered_message(request, services.register(event=event, by=request.user))
                return redirect("cooperation:event_detail", pk=pk)
            if action == "people":
                ids = [int(v) for v in request.POST.getlist("people") if v.isdigit()]
                people = Person.objects.visible_to(request.user).filter(pk__in=ids)
                done, refused = services.registrations_add(
                    event=event, people=people, by=request.user
                )
                for row in done:
                    _registered_message(request, row)
                for message in refused:
                    messages.error(request, message)
                return redirect("cooperation:event_register", pk=pk)
            if action == "visitor" and visitor_form.is_valid():
                row = services.register(event=event, by=request.user, **visitor_form.cleaned_data)
                _registered_message(request, row)
                return redirect("cooperation:event_register", pk=pk)
        except ValidationError as error:
            if action == "visitor" and hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    visitor_form.add_error(field if field in visitor_form.fields else None, errors)
            else:
                _errors(request, error)
                if action != "visitor":
                    return redirect(
                        "cooperation:event_detail"
                        if action == "self"
                        else "cooperation:event_register",
                        pk=pk,
                    )
    query = (request.GET.get("q") or "").strip()
    matches = []
    if manages and query:
        matches = list(
            Person.objects.visible_to(request.user)
            .filter(search_q(query))
            .select_related("current_organization")
            .order_by("sort_key", "pk")[:20]
        )
    return render(
        request,
        "cooperation/events/register.html",
        {
            "event": event,
            "manages": manages,
            "own": selectors.own_registration(event, request.user),
            "query": query,
            "matches": matches,
            "visitor_form": visitor_form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def registration_cancel(request, pk: int):
    require(request.user, Registration, "register")
    row = get_object_or_404(Registration.objects.select_related("event"), pk=pk)
    if not may_cancel_registration(request.user, row):
        raise Http404
    if request.method == "POST":
        try:
            services.registration_cancel(
                registration=row, by=request.user, reason=request.POST.get("reason", "")
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request, _("The registration of %(name)s is cancelled.") % {"name": row.full_name}
            )
        return redirect("cooperation:event_detail", pk=row.event_id)
    return render(request, "cooperation/events/cancel.html", {"row": row, "event": row.event})


@login_required
@require_GET
def event_qr(request, pk: int):
    event = managed_event(request, pk)
    url = services.checkin_url(event)
    opens, closes = services.event_window(event)
    now = timezone.now()
    return render(
        request,
        "cooperation/events/qr.html",
        {
            "event": event,
            "url": url,
            "qr": segno.make_qr(url, error="m").svg_inline(scale=10, border=2, omitsize=True),
            "opens": opens,
            "closes": closes,
            "state": "open" if opens <= now <= closes else ("early" if now < opens else "over"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_checkin(request, token: str):
    require(request.user, Registration, "register")
    event = services.event_for_token(token)
    if request.method == "POST":
        try:
            row = services.checkin(token=token, user=request.user)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request,
                _("Checked in at %(t)s. Welcome!")
                % {"t": timezone.localtime(row.checked_in_at).strftime("%H:%M")},
            )
        return redirect("cooperation:event_checkin", token=token)
    if event is None:
        return render(request, "cooperation/events/checkin.html", {"unknown": True}, status=404)
    opens, closes = services.event_window(event)
    return render(
        request,
        "cooperation/events/checkin.html",
        {
            "event": event,
            "own": selectors.own_registration(event, request.user),
            "open": services.event_is_open_for_checkin(event),
            "opens": opens,
            "closes": closes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_attendance(request, pk: int):
    event = managed_event(request, pk)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "code":
                row = services.checkin_by_code(
                    event=event, code=request.POST.get("code", ""), by=request.user
                )
                messages.success(request, _("%(name)s is checked in.") % {"name": row.full_name})
            else:
                counts = services.attendance_mark(
                    event=event, attended=request.POST.getlist("attended"), by=request.user
                )
                messages.success(
                    request,
                    _("Attendance saved: %(attended)d marked attended, %(undone)d undone.")
                    % counts,
                )
        except ValidationError as error:
            _errors(request, error)
        return redirect("cooperation:event_attendance", pk=pk)
    rows = [
        r
        for r in selectors.registrations_of(event)
        if r.status in (Registration.Status.REGISTERED, Registration.Status.ATTENDED)
    ]
    return render(
        request,
        "cooperation/events/attendance.html",
        {
            "event": event,
            "rows": rows,
            "attended": sum(1 for r in rows if r.status == Registration.Status.ATTENDED),
            "may_mark": event.status in services.RECORDING,
            "checkin_open": services.event_is_open_for_checkin(event),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_certificates(request, pk: int):
    event = managed_event(request, pk)
    if request.method == "POST":
        try:
            issued = certificates.certificates_issue_all(event=event, by=request.user)
        except ValidationError as error:
            _errors(request, error)
        else:
            if issued:
                messages.success(request, _("%(n)d certificates issued.") % {"n": len(issued)})
            else:
                messages.info(request, _("Every attendee already has a certificate."))
        return redirect("cooperation:event_certificates", pk=pk)
    rows = [
        r for r in selectors.registrations_of(event) if r.status == Registration.Status.ATTENDED
    ]
    issued = {d.source_id: d for d in certificates.event_certificates(event)}
    for row in rows:
        row.document = issued.get(row.pk)
    return render(
        request,
        "cooperation/events/certificates.html",
        {
            "event": event,
            "rows": rows,
            "issued": len(issued),
            "may_issue": event.status in certificates.ISSUING,
        },
    )


@login_required
@require_GET
def event_certificates_pdf(request, pk: int):
    event = managed_event(request, pk)
    pdf = certificates.event_certificates_pdf(event)
    if pdf is None:
        messages.info(request, _("No certificate has been issued for this event yet."))
        return redirect("cooperation:event_certificates", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-su-kien-{pk}.pdf"'
    return response


urlpatterns = [
    path("events/<int:pk>/register/", event_register, name="event_register"),
    path("registrations/<int:pk>/cancel/", registration_cancel, name="registration_cancel"),
    path("events/<int:pk>/qr/", event_qr, name="event_qr"),
    path("events/checkin/<str:token>/", event_checkin, name="event_checkin"),
    path("events/<int:pk>/attendance/", event_attendance, name="event_attendance"),
    path("events/<int:pk>/certificates/", event_certificates, name="event_certificates"),
    path("events/<int:pk>/certificates.pdf", event_certificates_pdf, name="event_certificates_pdf"),
]
