"""Reads of the events that the pages and the public portal share.

:func:`public_events` is the portal's calendar: public facts only (title, kind, dates,
venue, organisers' names, seats left), never a registrant's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Event, Registration

SEATED = (Registration.Status.REGISTERED, Registration.Status.ATTENDED)


def seated_count():
    """The seats taken of each event, as one correlated count (no query per row)."""
    taken = (
        Registration.objects.filter(event=OuterRef("pk"), status__in=SEATED)
        .order_by()
        .values("event")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(taken, output_field=IntegerField()), 0)


def events_for(user):
    """The events ``user`` may see, with the seats taken, for the list."""
    return (
        Event.objects.visible_to(user)
        .select_related("lead_organizer")
        .annotate(seated=seated_count())
    )


@dataclass(frozen=True)
class PublicEvent:
    """What the public portal may show of an event."""

    pk: int
    title: str
    kind: str
    kind_label: str
    level_label: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str
    online: bool
    organizers: tuple[str, ...]
    capacity: int | None
    seats_left: int | None
    registration_open: bool
    registration_closes_at: dt.datetime
    agenda: str


def public_events(
    *, start: dt.date | dt.datetime | None = None, end: dt.date | dt.datetime | None = None
) -> list[PublicEvent]:
    """The public events of the calendar between ``start`` and ``end`` (dates or datetimes;
    an event is in when it overlaps the range; none given: from today on), soonest first,
    cancelled ones left out; each says whether it takes registrations now (open status,
    open mode, before its deadline, and — with a capacity — how many seats are left; a
    full event still takes registrations on its waiting list). Three queries whatever
    the number of events."""
    now = timezone.now()

    def _aware(value, end_of_day=False):
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value)
        moment = dt.time.max if end_of_day else dt.time.min
        return timezone.make_aware(dt.datetime.combine(value, moment))

    start_at = _aware(start) if start is not None else (None if end is not None else now)
    end_at = _aware(end, end_of_day=True)
    events = Event.objects.filter(public=True).exclude(status=Event.Status.CANCELLED)
    if start_at is not None:
        events = events.filter(ends_at__gte=start_at)
    if end_at is not None:
        events = events.filter(starts_at__lte=end_at)
    events = (
        events.select_related("lead_organizer")
        .prefetch_related("organizers")
        .annotate(seated=seated_count())
        .order_by("starts_at", "pk")
    )
    found = []
    for e in events:
        left = None if e.capacity is None else max(e.capacity - e.seated, 0)
        names = [e.lead_organizer.name] + sorted(
            o.name for o in e.organizers.all() if o.pk != e.lead_organizer_id
        )
        found.append(
            PublicEvent(
                pk=e.pk,
                title=e.title,
                kind=e.kind,
                kind_label=str(e.get_kind_display()),
                level_label=str(e.get_level_display()),
                starts_at=e.starts_at,
                ends_at=e.ends_at,
                venue=e.venue,
                online=bool(e.online_link),
                organizers=tuple(names),
                capacity=e.capacity,
                seats_left=left,
                registration_open=(
                    e.status == Event.Status.OPEN
                    and e.registration_mode == Event.Mode.OPEN
                    and now <= e.closes_registration_at
                ),
                registration_closes_at=e.closes_registration_at,
                agenda=e.agenda,
            )
        )
    return found


def public_event(pk: int) -> PublicEvent | None:
    """One public event of the calendar (None: not public, cancelled, or unknown)."""
    events = Event.objects.filter(pk=pk, public=True).exclude(status=Event.Status.CANCELLED)
    event = events.only("starts_at", "ends_at").first()
    if event is None:
        return None
    return next(
        (e for e in public_events(start=event.starts_at, end=event.ends_at) if e.pk == pk),
        None,
    )


def registrations_of(event: Event):
    """The registrations of ``event`` in the list's order: seated (by name), the waiting
    list in its order, then the cancelled."""
    rows = list(Registration.objects.filter(event=event).select_related("person", "organization"))
    order = {
        Registration.Status.ATTENDED: 0,
        Registration.Status.REGISTERED: 0,
        Registration.Status.WAITLISTED: 1,
        Registration.Status.CANCELLED: 2,
    }
    rows.sort(key=lambda r: (order[r.status], r.waitlist_position or 0, r.full_name, r.pk))
    return rows


def own_registration(event: Event, user) -> Registration | None:
    """``user``'s active registration for ``event`` (by account or registry person)."""
    if not getattr(user, "pk", None):
        return None
    return (
        Registration.objects.filter(event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .filter(Q(user=user) | Q(person__user=user))
        .first()
    )
