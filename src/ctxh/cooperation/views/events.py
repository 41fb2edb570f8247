"""The event pages: the list (upcoming / past, filters, the Social Work Days proposal),
planning and editing an event, its page (agenda, registrations and the waiting list,
presentations, the moves of its workflow), presentations, and the proceedings PDF.

Who: everyone signed in sees the events; the programme office manages all of them and
proposes the Social Work Days; an organiser organisation manages the events it (co-)
organises. An event another organisation runs answers 404 to a page that manages it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import available_transitions

from ..models import Event, Presentation, Registration
from ..models.events import may_manage_event
from ..selectors import events as selectors
from ..services import event_certificates as certificates
from ..services import events as services
from ..services import registration as registration_services
from .event_forms import EventFilter, EventForm, PresentationForm, ProposeForm

PER_PAGE = 25


def managed_event(request, pk: int) -> Event:
    """The event if the user manages it: 403 for a role that never may, 404 otherwise."""
    require(request.user, Event, "change")
    event = get_object_or_404(Event.objects.select_related("lead_organizer"), pk=pk)
    if not may_manage_event(request.user, event):
        raise Http404
    return event


@login_required
@require_GET
def events(request):
    require(request.user, Event, "view")
    filterset = EventFilter(request.GET, queryset=selectors.events_for(request.user))
    page = Paginator(filterset.qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cooperation/events/list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_add": can(request.user, Event, "add"),
            "propose_form": ProposeForm() if can(request.user, Event, "propose") else None,
        },
    )


@login_required
@require_POST
def event_propose(request):
    require(request.user, Event, "propose")
    form = ProposeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("cooperation:events")
    year = form.cleaned_data["year"]
    try:
        created = services.propose_social_work_days(year=year, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if created:
            messages.success(
                request,
                _("%(n)d Social Work Days of %(year)d proposed as planned events.")
                % {"n": len(created), "year": year},
            )
        else:
            messages.info(
                request, _("The Social Work Days of %(year)d are already planned.") % {"year": year}
            )
    return redirect(f"{reverse('cooperation:events')}?year={year}")


def _event_form_page(request, *, event=None):
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.event_save(
                by=request.user,
                event=event,
                organizers=form.cleaned_data.get("organizers") or [],
                **form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The event “%(t)s” is saved.") % {"t": saved.title})
            return redirect("cooperation:event_detail", pk=saved.pk)
    return render(
        request,
        "cooperation/events/form.html",
        {"form": form, "event": event, "title": event.title if event else _("New event")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    require(request.user, Event, "add")
    return _event_form_page(request)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk: int):
    event = managed_event(request, pk)
    if event.status in services.FINISHED:
        messages.error(request, _("A closed or cancelled event can no longer change."))
        return redirect("cooperation:event_detail", pk=pk)
    # The form's instance must not be the one the service re-reads and compares.
    return _event_form_page(request, event=Event.objects.get(pk=event.pk))


@login_required
@require_GET
def event_detail(request, pk: int):
    user = request.user
    event = get_visible_or_404(user, Event, "view", pk=pk)
    manages = may_manage_event(user, event)
    sees_all = manages or scope_for(user, Registration, "view").everything
    rows = selectors.registrations_of(event) if sees_all else []
    seated = sum(1 for r in rows if r.status in registration_services.SEATED)
    if not sees_all:
        seated = registration_services.seats_taken(event)
    waiting = [r for r in rows if r.status == Registration.Status.WAITLISTED]
    own = selectors.own_registration(event, user)
    return render(
        request,
        "cooperation/events/detail.html",
        {
            "event": event,
            "organizers": list(event.organizers.all()),
            "manages": manages,
            "sees_all": sees_all,
            "registrations": [r for r in rows if r.status != Registration.Status.WAITLISTED],
            "waiting": waiting,
            "seated": seated,
            "seats_left": registration_services.seats_left(event, seated),
            "presentations": _with_files(event),
            "moves": available_transitions(event, user),
            "own": own,
            "may_register": own is None
            and event.status == Event.Status.OPEN
            and can(user, Registration, "register"),
            "checkin_open": registration_services.event_is_open_for_checkin(event),
        },
    )


@login_required
@require_POST
def event_transition(request, pk: int):
    event = managed_event(request, pk)
    target = request.POST.get("to", "")
    if target not in Event.Status.values:
        messages.error(request, _("Unknown status."))
        return redirect("cooperation:event_detail", pk=pk)
    try:
        services.event_move(
            event=event, to=target, by=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("The event is now “%(s)s”.") % {"s": event.get_status_display()}
        )
    return redirect("cooperation:event_detail", pk=pk)


def _presentation_page(request, event: Event, presentation: Presentation | None = None):
    form = PresentationForm(request.POST or None, request.FILES or None, instance=presentation)
    if request.method == "POST" and form.is_valid():
        try:
            services.presentation_save(
                event=event,
                by=request.user,
                presentation=(
                    Presentation.objects.get(pk=presentation.pk) if presentation else None
                ),
                **form.cleaned_data,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The presentation is saved."))
            return redirect(f"{_detail_url(event)}#presentations")
    return render(
        request,
        "cooperation/events/presentation_form.html",
        {"form": form, "event": event, "presentation": presentation},
    )


def _with_files(event: Event) -> list[Presentation]:
    """The event's presentations, each with its files (two queries in all)."""
    from django.contrib.contenttypes.models import ContentType

    from ..models import Attachment

    presentations = list(event.presentations.all())
    files = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Presentation),
        object_id__in=[p.pk for p in presentations],
    ).order_by("pk")
    by_owner: dict[int, list] = {}
    for attachment in files:
        by_owner.setdefault(attachment.object_id, []).append(attachment)
    for p in presentations:
        p.files = by_owner.get(p.pk, [])
    return presentations


def _detail_url(event: Event) -> str:
    return reverse("cooperation:event_detail", args=[event.pk])


@login_required
@require_http_methods(["GET", "POST"])
def presentation_create(request, pk: int):
    return _presentation_page(request, managed_event(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def presentation_edit(request, pk: int):
    presentation = get_object_or_404(Presentation, pk=pk)
    event = managed_event(request, presentation.event_id)
    return _presentation_page(request, event, presentation)


@login_required
@require_GET
def proceedings(request, pk: int):
    event = get_visible_or_404(request.user, Event, "view", pk=pk)
    pdf = certificates.proceedings_pdf(event)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ky-yeu-su-kien-{event.pk}.pdf"'
    return response


urlpatterns = [
    path("events/", events, name="events"),
    path("events/new/", event_create, name="event_create"),
    path("events/propose/", event_propose, name="event_propose"),
    path("events/<int:pk>/", event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", event_edit, name="event_edit"),
    path("events/<int:pk>/transition/", event_transition, name="event_transition"),
    path("events/<int:pk>/presentations/new/", presentation_create, name="presentation_create"),
    path("presentations/<int:pk>/edit/", presentation_edit, name="presentation_edit"),
    path("events/<int:pk>/proceedings.pdf", proceedings, name="proceedings"),
]
