"""Who comes to an event: registration with a waiting list, cancellation (the first on
the waiting list moves up by themselves), QR check-in and the organiser's ticks.

* :func:`register` — a signed-in user registers themself, an organiser adds a registry
  person or a visitor; beyond the capacity → the waiting list; after the deadline, for an
  event that is not open, or (by invitation) for someone not invited → a clear message and
  nothing written;
* :func:`register_visitor` — the public portal's registration: no account, an open public
  event, a confirmation e-mail with the registration code;
* :func:`registration_cancel` — the registrant or an organiser cancels; a seat frees and
  the first on the waiting list moves up;
* :func:`checkin` — the registrant scans the room's QR code on their phone (accepted only
  during the event);
* :func:`checkin_by_code` — the code of a visitor's confirmation e-mail (typed or scanned at
  the desk by the organiser, or given on the portal);
* :func:`attendance_mark` — the organiser ticks who attended, in bulk.

Every registration decision locks the event row first, so two people taking the last seat
at once never fill more seats than the event has. Audit events carry counts and ids,
never the registrants' names.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import SYSTEM, scope_for
from ctxh.core.transitions import transition
from ctxh.workforce.models import Person

from ..models import Event, Invitation, Registration
from ..models.events import may_manage_event

logger = logging.getLogger(__name__)

S = Registration.Status
#: Registrations that hold a seat.
SEATED = (S.REGISTERED, S.ATTENDED)
#: Registrations still in play (not cancelled).
ACTIVE = (S.REGISTERED, S.WAITLISTED, S.ATTENDED)
#: How long before an event starts and after it ends its QR code is accepted.
CHECKIN_MARGIN = dt.timedelta(minutes=30)
#: Event statuses in which attendance is recorded.
RECORDING = (Event.Status.OPEN, Event.Status.HELD)


def seats_taken(event: Event) -> int:
    return Registration.objects.filter(event=event, status__in=SEATED).count()


def seats_left(event: Event, taken: int | None = None) -> int | None:
    """Seats still free (None: no limit)."""
    if event.capacity is None:
        return None
    taken = seats_taken(event) if taken is None else taken
    return max(event.capacity - taken, 0)


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def _is_invited(event: Event, person: Person | None, user) -> bool:
    """Invited: the person (or their organisation) has an invitation, or they belong to
    one of the event's organisers (the organisers' own staff are always welcome)."""
    org_ids: set[int] = set()
    if person is not None and person.current_organization_id:
        org_ids.add(person.current_organization_id)
    if getattr(user, "pk", None):
        org_ids |= set(
            user.memberships.filter(active=True).values_list("organization_id", flat=True)
        )
    organizers = {event.lead_organizer_id, *event.organizers.values_list("pk", flat=True)}
    if org_ids & organizers:
        return True
    condition = Q(organization_id__in=org_ids)
    if person is not None:
        condition |= Q(person=person)
    return Invitation.objects.filter(condition, event=event).exists()


def _check_open(event: Event, *, organiser: bool, now: dt.datetime) -> None:
    if event.status != Event.Status.OPEN:
        raise ValidationError(
            _("The event “%(title)s” is not open for registration (it is %(status)s).")
            % {"title": event.title, "status": event.get_status_display().lower()},
            code="not_open",
        )
    if not organiser and now > event.closes_registration_at:
        raise ValidationError(
            _("Registration for “%(title)s” closed on %(when)s.")
            % {
                "title": event.title,
                "when": timezone.localtime(event.closes_registration_at).strftime("%H:%M %d/%m/%Y"),
            },
            code="deadline",
        )


def _next_position(event: Event) -> int:
    top = Registration.objects.filter(event=event).aggregate(m=Max("waitlist_position"))
    return (top["m"] or 0) + 1


def _check_duplicate(event: Event, person: Person | None, email: str) -> None:
    active = Registration.objects.filter(event=event, status__in=ACTIVE)
    found = None
    if person is not None:
        found = active.filter(person=person).first()
    if found is None and email:
        found = active.filter(email__iexact=email).first()
    if found is not None:
        raise ValidationError(
            _("%(name)s is already registered for this event (%(status)s).")
            % {"name": found.full_name, "status": found.get_status_display().lower()},
            code="duplicate",
        )


def register(
    *,
    event: Event,
    by=None,
    person: Person | None = None,
    full_name: str = "",
    email: str = "",
    organization_name: str = "",
    now: dt.datetime | None = None,
) -> Registration:
    """Register someone for ``event``; returns the registration (registered, or on the
    waiting list when the event is full).

    * ``by`` a signed-in user and no one named: they register themself (their registry
      person when they have one, else their account's name and e-mail);
    * ``by`` an organiser of the event: they add a registry ``person`` or a visitor
      (``full_name``, ``email``, ``organization_name``) — also after the deadline, and to
      an event by invitation (adding someone is inviting them);
    * ``by`` None: a visitor without an account (the public portal): only an open public
      event, and an e-mail is required.

    Refused with a clear message and nothing written: an event not open for registration,
    a registration after the deadline, someone not invited to an event by invitation,
    someone already registered. A confirmation e-mail (with the registration code for the
    check-in) is sent when the transaction commits.
    """
    now = now or timezone.now()
    signed_in = bool(getattr(by, "is_authenticated", False)) or by is SYSTEM
    organiser = signed_in and may_manage_event(by, event)
    user = None
    if signed_in and by is not SYSTEM and not organiser:
        if scope_for(by, Registration, "register").empty:
            raise PermissionDenied(_("You may not register for events."))
        if person is not None or full_name:
            raise PermissionDenied(_("Only the organisers may register other people."))
    if signed_in and by is not SYSTEM and person is None and not full_name:
        # Registering themself.
        user = by
        person = Person.objects.filter(user=by).select_related("current_organization").first()
    if person is not None:
        full_name = person.full_name
        email = email or person.email or (getattr(user, "email", "") if user else "")
    elif user is not None:
        full_name = user.get_full_name() or user.get_username()
        email = email or user.email
    full_name = " ".join((full_name or "").split())
    email = (email or "").strip().lower()
    organization_name = " ".join((organization_name or "").split())
    errors = {}
    if not full_name:
        errors["full_name"] = _("Give the full name of the person who registers.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("“%(v)s” is not a valid e-mail address.") % {"v": email}
    elif not signed_in:
        errors["email"] = _("Give an e-mail address: the confirmation is sent there.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        event = _locked(event)
        _check_open(event, organiser=organiser, now=now)
        if not signed_in and not (event.public and event.registration_mode == Event.Mode.OPEN):
            raise ValidationError(
                _("This event takes registrations only from those invited."), code="invited"
            )
        if (
            event.registration_mode == Event.Mode.INVITED
            and not organiser
            and not _is_invited(event, person, user)
        ):
            raise ValidationError(
                _(
                    "“%(title)s” is by invitation only, and you are not invited. Ask the "
                    "organisers for an invitation."
                )
                % {"title": event.title},
                code="not_invited",
            )
        _check_duplicate(event, person, email)
        left = seats_left(event)
        full = left is not None and left <= 0
        row = Registration(
            event=event,
            person=person,
            user=user,
            full_name=full_name,
            email=email,
            organization=person.current_organization if person is not None else None,
            organization_name=organization_name,
            status=S.WAITLISTED if full else S.REGISTERED,
            waitlist_position=_next_position(event) if full else None,
            registered_by=by if getattr(by, "pk", None) else None,
        )
        row.full_clean(exclude=["event", "person", "user", "organization", "code", "certificate"])
        row.save()
        audit.record(
            actor=by,
            action="registration.create",
            obj=row,
            organization=event.lead_organizer_id,
            new={
                "event_id": event.pk,
                "person_id": row.person_id,
                "status": row.status,
                "waitlist_position": row.waitlist_position,
                "visitor": row.person_id is None,
            },
        )
        if row.email:
            pk = row.pk
            transaction.on_commit(lambda: send_confirmation(pk))
    return row


def register_visitor(
    *, event: Event, full_name: str, email: str, organization_name: str = ""
) -> Registration:
    """The public portal's registration of a visitor without an account, for an open
    public event; a confirmation e-mail carries their registration code (see
    :func:`register`). The portal's view limits the rate."""
    return register(
        event=event,
        by=None,
        full_name=full_name,
        email=email,
        organization_name=organization_name,
    )


# --- e-mails ------------------------------------------------------------------------------


def _event_when(event: Event) -> str:
    starts = timezone.localtime(event.starts_at)
    ends = timezone.localtime(event.ends_at)
    if starts.date() == ends.date():
        return f"{starts:%H:%M}–{ends:%H:%M} {starts:%d/%m/%Y}"
    return f"{starts:%H:%M %d/%m/%Y} – {ends:%H:%M %d/%m/%Y}"


def send_confirmation(registration_id: int) -> None:
    """E-mail the registrant their registration (or waiting-list place) and their code."""
    row = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if row is None or not row.email:
        return
    event = row.event
    with translation.override(settings.LANGUAGE_CODE):
        if row.status == S.WAITLISTED:
            subject = _("On the waiting list: %(title)s") % {"title": event.title}
            status = _(
                "The event is full: you are number %(n)d on the waiting list. We will write "
                "to you if a seat frees."
            ) % {"n": row.waitlist_position or 0}
        else:
            subject = _("Registration confirmed: %(title)s") % {"title": event.title}
            status = _("Your registration is confirmed.")
        lines = [
            _("Dear %(name)s,") % {"name": row.full_name},
            "",
            status,
            "",
            f"{event.title}",
            _("When: %(when)s") % {"when": _event_when(event)},
        ]
        if event.venue:
            lines.append(_("Where: %(venue)s") % {"venue": event.venue})
        if event.online_link:
            lines.append(_("Online: %(link)s") % {"link": event.online_link})
        lines += [
            "",
            _("Your registration code: %(code)s") % {"code": row.code},
            _("Show this code at the check-in desk (or give it on the event's page)."),
        ]
    _send(subject, "\n".join(lines), row.email)


def send_moved_up(registration_id: int) -> None:
    """E-mail a registrant that a seat freed and they moved up from the waiting list."""
    row = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if row is None or not row.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A seat freed: %(title)s") % {"title": row.event.title}
        body = "\n".join(
            [
                _("Dear %(name)s,") % {"name": row.full_name},
                "",
                _("A seat freed and you moved up from the waiting list: you are registered."),
                _("When: %(when)s") % {"when": _event_when(row.event)},
                _("Your registration code: %(code)s") % {"code": row.code},
            ]
        )
    _send(subject, body, row.email)


def _send(subject: str, body: str, to: str) -> None:
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]).send()
    except Exception:  # a mail server down must not undo a registration already committed
        logger.exception("Could not send an event e-mail to a registrant")


# --- cancelling and the waiting list ------------------------------------------------------


def fill_from_waitlist(event: Event, *, reason: str = "") -> list[Registration]:
    """Move the first on the waiting list of ``event`` (locked by the caller) up into its
    free seats, on the system's behalf; they are e-mailed once it commits."""
    if event.status not in (Event.Status.PLANNED, Event.Status.OPEN):
        return []
    left = seats_left(event)
    waiting = Registration.objects.select_for_update().filter(event=event, status=S.WAITLISTED)
    waiting = waiting.order_by("waitlist_position", "registered_at", "pk")
    rows = list(waiting if left is None else waiting[:left])
    for row in rows:
        row.event = event
        transition(
            row,
            to=S.REGISTERED,
            by=SYSTEM,
            reason=reason,
            extra_updates={"waitlist_position": None},
        )
        if row.email:
            transaction.on_commit(lambda pk=row.pk: send_moved_up(pk))
    return rows


def registration_cancel(*, registration: Registration, by, reason: str = "") -> Registration:
    """Cancel ``registration`` (the registrant themself, or an organiser); a seat it held
    goes to the first on the waiting list."""
    with transaction.atomic():
        event = _locked(registration.event)
        if event.status not in (Event.Status.PLANNED, Event.Status.OPEN):
            raise ValidationError(
                _("The event is %(status)s: registrations can no longer be cancelled.")
                % {"status": event.get_status_display().lower()},
                code="finished",
            )
        registration.event = event
        transition(
            registration,
            to=S.CANCELLED,
            by=by,
            reason=reason,
            extra_updates={"waitlist_position": None},
        )
        fill_from_waitlist(event, reason=_("A seat freed."))
    return registration


# --- check-in and attendance --------------------------------------------------------------


def event_window(event: Event) -> tuple[dt.datetime, dt.datetime]:
    """When the event's QR code (and the registration codes) are accepted."""
    return event.starts_at - CHECKIN_MARGIN, event.ends_at + CHECKIN_MARGIN


def event_is_open_for_checkin(event: Event, now: dt.datetime | None = None) -> bool:
    opens, closes = event_window(event)
    return event.status in RECORDING and opens <= (now or timezone.now()) <= closes


def event_for_token(token: str) -> Event | None:
    """The event whose QR code holds ``token`` (None: no such code)."""
    if not token or len(token) > 40:
        return None
    return Event.objects.select_related("lead_organizer").filter(checkin_token=token).first()


def _hhmm(value) -> str:
    return timezone.localtime(value).strftime("%H:%M")


def _check_window(event: Event, now: dt.datetime) -> None:
    opens, closes = event_window(event)
    if not opens <= now <= closes:
        raise ValidationError(
            _(
                "Check-in for this event is accepted only during the event (%(start)s – "
                "%(end)s). It has expired or is not open yet."
            )
            % {
                "start": timezone.localtime(opens).strftime("%H:%M %d/%m/%Y"),
                "end": timezone.localtime(closes).strftime("%H:%M %d/%m/%Y"),
            },
            code="expired",
        )
    if event.status not in RECORDING:
        raise ValidationError(_("This event does not take check-ins now."), code="closed")


def _attend(row: Registration, by, now: dt.datetime, how: str) -> Registration:
    if row.status == S.ATTENDED:
        raise ValidationError(
            _("%(name)s was already checked in at %(time)s.")
            % {"name": row.full_name, "time": _hhmm(row.checked_in_at or now)},
            code="already",
        )
    if row.status == S.WAITLISTED:
        raise ValidationError(
            _("%(name)s is on the waiting list, not registered: ask the organisers.")
            % {"name": row.full_name},
            code="waitlisted",
        )
    if row.status == S.CANCELLED:
        raise ValidationError(
            _("The registration of %(name)s was cancelled.") % {"name": row.full_name},
            code="cancelled",
        )
    return transition(
        row,
        to=S.ATTENDED,
        by=by,
        extra_updates={"checked_in_at": now},
        audit_values={"method": how},
    )


def checkin(*, token: str, user, now: dt.datetime | None = None) -> Registration:
    """Record that ``user`` (their registration: by account or registry person) attends the
    event of the QR code ``token``. Refused, with nothing written: an unknown code, a code
    outside the event's window, someone not registered, someone already checked in."""
    now = now or timezone.now()
    event = event_for_token(token)
    if event is None:
        raise ValidationError(
            _("This check-in code is not valid. Scan the QR code shown at the event again."),
            code="unknown",
        )
    _check_window(event, now)
    with transaction.atomic():
        row = (
            # Only the registration row is locked (the person is on an outer join).
            Registration.objects.select_for_update(of=("self",))
            .filter(event=event, status__in=ACTIVE)
            .filter(Q(user=user) | Q(person__user=user))
            .first()
            if getattr(user, "pk", None)
            else None
        )
        if row is None:
            raise ValidationError(
                _(
                    "You are not registered for this event. Ask the organisers to record "
                    "your attendance."
                ),
                code="not_registered",
            )
        row.event = event
        return _attend(row, user, now, "qr")


def checkin_by_code(*, event: Event, code: str, by, now: dt.datetime | None = None) -> Registration:
    """Check in the registration whose confirmation code is ``code`` at ``event`` (the
    organiser at the desk, or the portal on the visitor's behalf with ``by=SYSTEM``).
    A code of another event, an unknown code, a code outside the event's window, or one
    already used: refused, nothing written."""
    now = now or timezone.now()
    code = (code or "").strip()
    if by is not SYSTEM and not may_manage_event(by, event):
        raise PermissionDenied(_("You may not record attendance for this event."))
    with transaction.atomic():
        row = Registration.objects.select_for_update().filter(code=code).first() if code else None
        if row is None:
            raise ValidationError(
                _("No registration has the code “%(code)s”.") % {"code": code}, code="unknown"
            )
        if row.event_id != event.pk:
            raise ValidationError(
                _("The code “%(code)s” is a registration for another event.") % {"code": code},
                code="other_event",
            )
        _check_window(event, now)
        row.event = event
        return _attend(row, by, now, "code")


def attendance_mark(*, event: Event, attended: Iterable[int], by) -> dict[str, int]:
    """The organiser's ticks: the registrations ``attended`` (ids) attended, every other
    registered one did not (an attendance recorded earlier and unticked now is undone).
    Only this event's registered or attended registrations; all or nothing."""
    if not may_manage_event(by, event):
        raise PermissionDenied(_("You may not record attendance for this event."))
    if event.status not in RECORDING and event.status != Event.Status.CLOSED:
        raise ValidationError(
            _("Attendance is recorded once registration is open (the event is %(s)s).")
            % {"s": event.get_status_display().lower()}
        )
    if event.status == Event.Status.CLOSED:
        raise ValidationError(_("The event is closed: its attendance no longer changes."))
    try:
        wanted = {int(pk) for pk in attended}
    except (TypeError, ValueError) as error:
        raise ValidationError(_("Unknown registration.")) from error
    counts = {"attended": 0, "undone": 0}
    now = timezone.now()
    with transaction.atomic():
        rows = {
            r.pk: r
            for r in Registration.objects.select_for_update().filter(event=event, status__in=SEATED)
        }
        strangers = wanted - set(rows)
        if strangers:
            raise ValidationError(
                _("%(n)d of the ticks are not registrations of this event.") % {"n": len(strangers)}
            )
        for pk, row in rows.items():
            row.event = event
            if pk in wanted and row.status == S.REGISTERED:
                transition(
                    row,
                    to=S.ATTENDED,
                    by=by,
                    extra_updates={"checked_in_at": now},
                    audit_values={"method": "organiser"},
                )
                counts["attended"] += 1
            elif pk not in wanted and row.status == S.ATTENDED:
                transition(row, to=S.REGISTERED, by=by, extra_updates={"checked_in_at": None})
                counts["undone"] += 1
    return counts


def checkin_url(event: Event) -> str:
    """The absolute address in the event's QR code."""
    base = settings.CTXH_BASE_URL.rstrip("/")
    return base + reverse("cooperation:event_checkin", kwargs={"token": event.checkin_token})


def registrations_add(
    *, event: Event, people: Iterable[Person], by
) -> tuple[list[Registration], list[str]]:
    """The organiser adds several registry people; those refused (already registered) are
    reported by message, the others registered. Returns (registrations, messages)."""
    if not may_manage_event(by, event):
        raise PermissionDenied(_("You may not register other people for this event."))
    done, refused = [], []
    for person in people:
        try:
            with transaction.atomic():
                done.append(register(event=event, by=by, person=person))
        except ValidationError as error:
            refused.extend(error.messages)
    return done, refused
