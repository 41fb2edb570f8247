"""``/public/events/``: the programme's calendar of public events, and an event's page
where a visitor registers (no account; rate-limited per client address, CSRF-protected).

The events' facts are cached briefly (:mod:`ctxh.portal.selectors.cache`); a registration
moves the events' cache generation on, so the seats left shown next are the true ones.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ctxh.cooperation.models import Event, Registration
from ctxh.cooperation.selectors.events import PublicEvent, public_event, public_events
from ctxh.cooperation.services.registration import register_visitor
from ctxh.core.forms import apply_errors
from ctxh.core.ratelimit import over_limit

from ..forms import EventFilterForm, VisitorRegistrationForm
from ..selectors import bump_events, cached, events_generation

#: Registrations a client address may send a minute (``CTXH_PORTAL_REGISTRATION_RATE_LIMIT``).
DEFAULT_RATE_LIMIT = 10


def upcoming_events() -> list[PublicEvent]:
    """The public events from now on (cached)."""
    return cached("upcoming", (), public_events, generation=events_generation())


def _month(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date() if value else None
    except ValueError:
        return None


def _shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@require_http_methods(["GET", "HEAD"])
def events(request):
    """The calendar: the upcoming public events (the default), or one month's
    (``?month=YYYY-MM``), of one kind (``?kind=``), grouped by day."""
    form = EventFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    month = _month(data.get("month") or "")
    if data.get("month") and month is None:
        form.add_error(None, _("Give the month as YYYY-MM, e.g. 2026-03."))
    kind = data.get("kind") or ""
    generation = events_generation()
    if month is not None:
        end = _shift(month, 1) - dt.timedelta(days=1)
        found = cached(
            "month",
            (month.isoformat(),),
            lambda: public_events(start=month, end=end),
            generation=generation,
        )
    else:
        found = cached("upcoming", (), public_events, generation=generation)
    if kind:
        found = [e for e in found if e.kind == kind]
    days: list[tuple[dt.date, list[PublicEvent]]] = []
    for event in found:
        day = timezone.localdate(event.starts_at)
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(event)
    this_month = timezone.localdate().replace(day=1)
    shown = month or this_month
    return render(
        request,
        "portal/events.html",
        {
            "form": form,
            "days": days,
            "count": len(found),
            "month": month,
            "kind": kind,
            "kinds": Event.Kind.choices,
            "this_month": this_month,
            "previous_month": _shift(shown, -1),
            "next_month": _shift(shown, 1),
        },
    )


def _limited(request) -> bool:
    """Count this registration; True when the client sent more than the limit this
    minute (the same shared-cache counter as the documents' verification)."""
    limit = getattr(settings, "CTXH_PORTAL_REGISTRATION_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    return over_limit(request, scope="portal:register", limit=limit)


#: The service's refusals, said for a visitor (the duplicate's own message names the person
#: already registered: never shown to whoever types their address).
REFUSALS = {
    "duplicate": lambda e: _(
        "This e-mail address is already registered for this event. Look for the "
        "confirmation in your mailbox (and in the spam folder)."
    ),
    "deadline": lambda e: (
        _("Registration for this event closed on %(when)s.")
        % {"when": timezone.localtime(e.registration_closes_at).strftime("%H:%M %d/%m/%Y")}
    ),
    "not_open": lambda e: _("This event is not open for registration."),
    "invited": lambda e: _("This event takes registrations only from those invited."),
    "not_invited": lambda e: _("This event takes registrations only from those invited."),
}


def _refusal(exc: ValidationError, event: PublicEvent) -> str | None:
    """The visitor's message for a refusal of the whole registration (None: field errors)."""
    if hasattr(exc, "error_dict"):
        return None
    codes = {getattr(e, "code", None) for e in exc.error_list}
    for code, message in REFUSALS.items():
        if code in codes:
            return message(event)
    return " ".join(exc.messages)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def event(request, pk: int):
    """A public event's page: when, where, who organises, the agenda, the seats left, and
    the registration form while registration is open."""
    generation = events_generation()
    found = cached("event", (pk,), lambda: public_event(pk), generation=generation)
    if found is None:
        raise Http404
    form = VisitorRegistrationForm(request.POST if request.method == "POST" else None)
    refusal = None
    if request.method == "POST":
        if _limited(request):
            response = render(request, "portal/limited.html", status=429)
            response["Retry-After"] = "60"
            return response
        if form.is_valid():
            target = Event.objects.filter(pk=pk, public=True).first()
            if target is None:
                raise Http404
            try:
                row = register_visitor(
                    event=target,
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                    organization_name=form.cleaned_data["organization_name"],
                )
            except ValidationError as exc:
                refusal = _refusal(exc, found)
                if refusal is None:
                    apply_errors(form, exc)
            else:
                bump_events()
                if row.status == Registration.Status.WAITLISTED:
                    messages.warning(
                        request,
                        _(
                            "The event is full: you are number %(n)d on the waiting list. A "
                            "confirmation was sent to %(email)s; we will write to you if a "
                            "seat frees."
                        )
                        % {"n": row.waitlist_position or 0, "email": row.email},
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "You are registered. A confirmation with your registration code "
                            "was sent to %(email)s: show it at the check-in desk."
                        )
                        % {"email": row.email},
                    )
                return redirect(reverse("portal:event", args=[pk]) + "#registration")
    return render(
        request,
        "portal/event.html",
        {"event": found, "form": form, "refusal": refusal},
        status=200,
    )


urlpatterns = [
    path("events/", events, name="events"),
    path("events/<int:pk>/", event, name="event"),
]
