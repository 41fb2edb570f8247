"""Events: plan and edit them, move their workflow, invite, and propose the Social Work
Days of a year.

* :func:`event_save` — create or edit an event (its lead organiser must be in the actor's
  scope; an event ending before it starts is refused with a clear message);
* :func:`event_move` — open registration, mark held, close or cancel (through
  :mod:`ctxh.core.transitions`);
* :func:`invite` — invite registry people or whole organisations to an event by invitation;
* :func:`propose_social_work_days` — the Vietnam Social Work Day (25 March, Decision
  1791/QĐ-TTg of 2016) and the World Social Work Day (the third Tuesday of March) of a
  year, created as planned events if missing (idempotent).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import SYSTEM, may, scope_for
from ctxh.core.transitions import transition
from ctxh.organizations.models import Kind as OrgKind
from ctxh.organizations.models import Organization

from ..models import Event, Invitation

#: What a service may set on an event (the status moves through :func:`event_move`).
EVENT_FIELDS = (
    "kind",
    "level",
    "title",
    "lead_organizer",
    "agenda",
    "venue",
    "online_link",
    "starts_at",
    "ends_at",
    "registration_mode",
    "registration_deadline",
    "capacity",
    "public",
)
FINISHED = (Event.Status.CLOSED, Event.Status.CANCELLED)
#: The Vietnam Social Work Day was first held in 2017 (Decision 1791/QĐ-TTg, 2016):
#: the 8th in 2024.
VN_SWD_FIRST_YEAR = 2017


def third_tuesday_of_march(year: int) -> dt.date:
    """The World Social Work Day of ``year``: the third Tuesday of March."""
    first = dt.date(year, 3, 1)
    first_tuesday = first + dt.timedelta(days=(1 - first.weekday()) % 7)
    return first_tuesday + dt.timedelta(weeks=2)


def vn_social_work_day_number(year: int) -> int:
    """Which Vietnam Social Work Day ``year``'s is (the 8th in 2024)."""
    return year - VN_SWD_FIRST_YEAR + 1


def _check_not_finished(event: Event) -> None:
    if event.status in FINISHED:
        raise ValidationError(
            _("The event “%(title)s” is %(status)s: it can no longer change.")
            % {"title": event.title, "status": event.get_status_display().lower()},
            code="finished",
        )


@transaction.atomic
def event_save(
    *,
    by,
    event: Event | None = None,
    organizers: Iterable[Organization] | None = None,
    **values: Any,
) -> Event:
    """Create (``event`` None) or edit an event with ``values`` (see :data:`EVENT_FIELDS`)
    and its co-organisers. The lead organiser must be one the actor may add events for;
    validated with ``full_clean`` (an end before the start is refused), audited."""
    unknown = set(values) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {sorted(unknown)}")
    creating = event is None
    if creating:
        event = Event(created_by=by if getattr(by, "pk", None) else None)
    else:
        event = Event.objects.select_for_update().get(pk=event.pk)
        if not _may_manage(by, event):
            raise PermissionDenied(_("You may not change this event."))
        _check_not_finished(event)
    with audit.tracking(
        event, actor=by, action="event.create" if creating else "event.update"
    ) as change:
        old_lead = event.lead_organizer_id
        for name, value in values.items():
            setattr(event, name, value)
        lead = event.lead_organizer if event.lead_organizer_id else None
        action = "add" if creating else "change"
        moved = creating or event.lead_organizer_id != old_lead
        if lead is not None and moved and not may(by, Event, action, lead):
            raise PermissionDenied(_("You may not organise events for this organisation."))
        event.full_clean(exclude=["search_text"])
        event.save()
        change.organization = event.lead_organizer_id
    if organizers is not None:
        wanted = {o.pk for o in organizers} - {event.lead_organizer_id}
        have = set(event.organizers.values_list("pk", flat=True))
        if wanted != have:
            event.organizers.set(wanted)
            audit.record(
                actor=by,
                action="event.organizers",
                obj=event,
                organization=event.lead_organizer_id,
                old={"organizers": sorted(have)},
                new={"organizers": sorted(wanted)},
            )
    return event


def _may_manage(by, event: Event) -> bool:
    from ..models.events import may_manage_event

    return may_manage_event(by, event)


def event_move(*, event: Event, to: str, by, reason: str = "") -> Event:
    """Move ``event``'s workflow to ``to`` (open registration, held, closed, cancelled).
    Opening needs a start in the future; marking it held needs it started."""
    if to == Event.Status.OPEN and event.starts_at <= timezone.now():
        raise ValidationError(
            _("The event has already started: registration can no longer open."),
            code="started",
        )
    if to == Event.Status.HELD and event.starts_at > timezone.now():
        raise ValidationError(
            _("The event has not started yet: it cannot be marked as held."), code="not_started"
        )
    with transaction.atomic():
        return transition(event, to=to, by=by, reason=reason)


@transaction.atomic
def invite(
    *,
    event: Event,
    by,
    people: Iterable = (),
    organizations: Iterable[Organization] = (),
) -> list[Invitation]:
    """Invite registry ``people`` and whole ``organizations`` (all their staff) to
    ``event``; those already invited are skipped. Returns the new invitations."""
    if not _may_manage(by, event):
        raise PermissionDenied(_("You may not invite people to this event."))
    _check_not_finished(event)
    have_people = set(event.invitations.exclude(person=None).values_list("person_id", flat=True))
    have_orgs = set(
        event.invitations.exclude(organization=None).values_list("organization_id", flat=True)
    )
    rows = [Invitation(event=event, person=p) for p in people if p.pk not in have_people]
    rows += [
        Invitation(event=event, organization=o) for o in organizations if o.pk not in have_orgs
    ]
    if not rows:
        return []
    Invitation.objects.bulk_create(rows)
    audit.record(
        actor=by,
        action="event.invite",
        obj=event,
        organization=event.lead_organizer_id,
        new={
            "people": sum(1 for r in rows if r.person_id),
            "organizations": sum(1 for r in rows if r.organization_id),
        },
    )
    return rows


# --- the Social Work Days -----------------------------------------------------------------


def _agency() -> Organization | None:
    return Organization.objects.filter(kind=OrgKind.AGENCY).order_by("pk").first()


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def social_work_days(year: int) -> list[dict[str, Any]]:
    """The two Social Work Days of ``year`` as event values (title, kind, dates)."""
    vn_day = dt.date(year, 3, 25)
    world_day = third_tuesday_of_march(year)
    number = vn_social_work_day_number(year)
    return [
        {
            "kind": Event.Kind.VN_SOCIAL_WORK_DAY,
            "level": Event.Level.CITY,
            "title": f"Ngày Công tác xã hội Việt Nam lần thứ {number} (25/3/{year})"
            if number >= 1
            else f"Ngày Công tác xã hội Việt Nam 25/3/{year}",
            "agenda": (
                "Kỷ niệm Ngày Công tác xã hội Việt Nam (Quyết định 1791/QĐ-TTg ngày 16/9/2016 "
                "của Thủ tướng Chính phủ)."
            ),
            "starts_at": _local(vn_day, 8),
            "ends_at": _local(vn_day, 11, 30),
        },
        {
            "kind": Event.Kind.WORLD_SOCIAL_WORK_DAY,
            "level": Event.Level.CITY,
            "title": f"Ngày Công tác xã hội Thế giới {world_day:%d/%m/%Y}",
            "agenda": "Hưởng ứng Ngày Công tác xã hội Thế giới (thứ Ba của tuần thứ ba tháng 3).",
            "starts_at": _local(world_day, 8),
            "ends_at": _local(world_day, 11, 30),
        },
    ]


@transaction.atomic
def propose_social_work_days(
    *, year: int, by, organizer: Organization | None = None
) -> list[Event]:
    """Create the Vietnam and the World Social Work Days of ``year`` as planned events of
    ``organizer`` (default: the standing agency), each only if that year has none of its
    kind yet. Returns the events created now (empty on a second call)."""
    if by is not SYSTEM and scope_for(by, Event, "propose").empty:
        raise PermissionDenied(_("You may not propose the Social Work Days."))
    if not 2000 <= year <= 2100:
        raise ValidationError(_("Give a year between 2000 and 2100."), code="year")
    organizer = organizer or _agency()
    if organizer is None:
        raise ValidationError(_("There is no standing agency to organise the Social Work Days."))
    created = []
    for values in social_work_days(year):
        exists = Event.objects.filter(kind=values["kind"], starts_at__year=year).exists()
        if exists:
            continue
        event = Event(lead_organizer=organizer, created_by=by if getattr(by, "pk", None) else None)
        for name, value in values.items():
            setattr(event, name, value)
        event.full_clean(exclude=["search_text"])
        event.save()
        created.append(event)
    if created:
        audit.record_many(
            actor=by,
            events=[
                {
                    "action": "event.propose",
                    "obj": e,
                    "organization": organizer,
                    "new": {"title": e.title, "kind": e.kind, "starts_at": e.starts_at},
                }
                for e in created
            ],
        )
    return created


# --- presentations ------------------------------------------------------------------------

PRESENTATION_FIELDS = ("title", "authors", "abstract", "order")


@transaction.atomic
def presentation_save(
    *,
    event: Event,
    by,
    presentation=None,
    people: Iterable | None = None,
    file=None,
    **values: Any,
):
    """Add (``presentation`` None) or edit a presentation (tham luận) of ``event``: its
    title, authors as printed, the registry people among them, the abstract and its place
    in the programme, and optionally its ``file`` (slides or paper, checked by content
    through the one upload mechanism before anything is written). The event's organisers
    only; a cancelled event takes none."""
    from ..models import Presentation
    from .uploads import attachment_add, upload_check

    checked = upload_check(file) if file else None

    unknown = set(values) - set(PRESENTATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown presentation fields: {sorted(unknown)}")
    if not _may_manage(by, event):
        raise PermissionDenied(_("You may not change this event's presentations."))
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("The event is cancelled: it takes no presentations."))
    creating = presentation is None
    if creating:
        presentation = Presentation(event=event)
    elif presentation.event_id != event.pk:
        raise ValidationError(_("This presentation belongs to another event."))
    with audit.tracking(
        presentation,
        actor=by,
        action="presentation.create" if creating else "presentation.update",
        organization=event.lead_organizer_id,
    ):
        for name, value in values.items():
            setattr(presentation, name, value)
        presentation.full_clean(exclude=["event"])
        presentation.save()
    if people is not None:
        presentation.people.set(list(people))
    if file:
        attachment_add(
            owner=presentation, file=file, by=by, purpose="presentation", checked=checked
        )
    return presentation
