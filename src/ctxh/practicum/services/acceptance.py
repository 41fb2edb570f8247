"""The facilities' decisions on proposed students (step 6 of the procedure).

A facility manager (or the programme office for the facility) accepts a proposed student,
naming one of the offer's field instructors, or declines with a reason; one by one or in
bulk, all or nothing. Capacities are never exceeded, even by two people deciding at the
same moment: the offer rows and the instructors' rows are locked (``select_for_update``,
always offers first, each kind in id order, so two decisions never wait on each other in a
circle) and the accepted students are counted after the locks are held. Every move goes
through :func:`ctxh.core.transitions.transition` (audit with old and new status);
the student, the school's coordinators and, for a decline, the programme office are told
once the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from ctxh.core import audit
from ctxh.core.notifications import notify, translatable
from ctxh.core.roles import Role
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import transition

from ..models import Offer, PeriodInstructor, Placement, PlacementPeriod

__all__ = [
    "BulkResult",
    "members",
    "placement_accept",
    "placement_decline",
    "placements_accept_bulk",
    "placements_decline_bulk",
    "record_accepted_export",
]

REASON_MAX = Placement._meta.get_field("decline_reason").max_length


@dataclass
class BulkResult:
    """What a bulk decision did: the placements moved, in the order given."""

    placements: list[Placement] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.placements)


# --- who is told ------------------------------------------------------------------------


def members(organization_ids: Iterable[int], role: str) -> list:
    """The active accounts holding ``role`` at any of ``organization_ids``."""
    from ctxh.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization_id__in=set(organization_ids),
            memberships__role=role,
            memberships__active=True,
        ).distinct()
    )


def _url(placement: Placement) -> str:
    return reverse("practicum:placement_detail", args=[placement.pk])


def _tell_accepted(placements: list[Placement]) -> None:
    for p in placements:
        notify(
            users=[p.student.user],
            title=translatable(
                gettext_lazy("%(facility)s accepted you for your practice"),
                facility=p.facility.name,
            ),
            body=translatable(
                gettext_lazy("Field instructor: %(instructor)s."),
                instructor=str(p.instructor) if p.instructor_id else "—",
            ),
            url=_url(p),
        )
    _tell_schools(placements, accepted=True)


def _tell_declined(placements: list[Placement], reason: str) -> None:
    for p in placements:
        notify(
            users=[p.student.user],
            title=translatable(
                gettext_lazy("%(facility)s could not take you; you will be placed again"),
                facility=p.facility.name,
            ),
            url=_url(p),
        )
    _tell_schools(placements, accepted=False, reason=reason)
    by_period = defaultdict(list)
    for p in placements:
        by_period[p.period.organizer_id].append(p)
    for organizer_id, rows in by_period.items():
        notify(
            users=members([organizer_id], Role.PROGRAMME_OFFICE),
            title=translatable(
                ngettext_lazy(
                    "%(facility)s declined %(count)d student",
                    "%(facility)s declined %(count)d students",
                    "count",
                ),
                facility=rows[0].facility.name,
                count=len(rows),
            ),
            body=_names_and_reason(rows, reason),
            url=_url(rows[0]) if len(rows) == 1 else reverse("practicum:board"),
        )


def _names_and_reason(rows: list[Placement], reason: str = "") -> str:
    names = ", ".join(p.student.full_name for p in rows[:20])
    if len(rows) > 20:
        names += ", …"
    return f"{names}\n{reason}".strip()


def _tell_schools(placements: list[Placement], *, accepted: bool, reason: str = "") -> None:
    by_school: dict[int, list[Placement]] = defaultdict(list)
    for p in placements:
        by_school[p.school_id].append(p)
    for school_id, rows in by_school.items():
        message = (
            ngettext_lazy(
                "%(facility)s accepted %(count)d of your students",
                "%(facility)s accepted %(count)d of your students",
                "count",
            )
            if accepted
            else ngettext_lazy(
                "%(facility)s declined %(count)d of your students",
                "%(facility)s declined %(count)d of your students",
                "count",
            )
        )
        notify(
            users=members([school_id], Role.SCHOOL_COORDINATOR),
            title=translatable(message, facility=rows[0].facility.name, count=len(rows)),
            body=_names_and_reason(rows, reason),
            url=_url(rows[0]) if len(rows) == 1 else reverse("practicum:board"),
        )


# --- checks -----------------------------------------------------------------------------


def _named(placement: Placement, message: str) -> str:
    return _("%(student)s: %(problem)s") % {
        "student": placement.student.full_name,
        "problem": message,
    }


def _check_open(placement: Placement, by, now: dt.datetime) -> None:
    """The decision is this user's to take, and still open (else PermissionDenied or
    ValidationError; nothing written)."""
    if not scope_for(by, Placement, "decide").covers_object(placement):
        raise PermissionDenied(_("You may not decide on this student."))
    period = placement.period
    if period.status != PlacementPeriod.Status.ACCEPTANCE:
        raise ValidationError(
            _("The period “%(period)s” is not at the acceptance stage (it is “%(status)s”).")
            % {"period": period.name, "status": period.get_status_display()},
            code="period",
        )
    if now > period.acceptance_deadline:
        raise ValidationError(
            _(
                "The acceptance deadline passed on %(deadline)s: decisions can no longer be "
                "made here. Ask the programme office."
            )
            % {
                "deadline": timezone.localtime(period.acceptance_deadline).strftime(
                    "%d/%m/%Y %H:%M"
                )
            },
            code="deadline",
        )
    if placement.status != Placement.Status.PROPOSED:
        raise ValidationError(
            _("This placement is already “%(status)s”.")
            % {"status": placement.get_status_display()},
            code="decided",
        )


def _load(placements: Iterable[Placement]) -> list[Placement]:
    """The placements afresh, with what the checks and the messages read (one query)."""
    ids = [p.pk for p in placements]
    rows = Placement.objects.select_related(
        "student", "student__user", "period", "facility", "offer"
    ).in_bulk(ids)
    missing = [pk for pk in ids if pk not in rows]
    if missing:
        raise ValidationError(_("A placement no longer exists; reload the page."))
    return [rows[pk] for pk in dict.fromkeys(ids)]


def _raise_all(errors: list[str]) -> None:
    if errors:
        raise ValidationError(errors)


# --- accept -----------------------------------------------------------------------------


def placement_accept(
    *, placement: Placement, instructor: PeriodInstructor | None, by, now=None
) -> Placement:
    """Accept a proposed student at the facility, supervised by ``instructor`` (one of
    the offer's field instructors; None only when the offer names none). Refused with a
    clear message, nothing written, after the period's acceptance deadline, when the
    offer's seats are all taken or the instructor has no place left."""
    result = placements_accept_bulk(
        placements=[placement], instructor_for={placement.pk: instructor}, by=by, now=now
    )
    accepted = result.placements[0]
    for f in Placement._meta.concrete_fields:
        setattr(placement, f.attname, getattr(accepted, f.attname))
    return placement


def placements_accept_bulk(
    *,
    placements: Sequence[Placement],
    instructor_for: dict[int, PeriodInstructor | None],
    by,
    now=None,
) -> BulkResult:
    """Accept several proposed students at once, all or nothing: if any one cannot be
    accepted, nothing is written and the message names each student and why."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = _load(placements)
        if not rows:
            raise ValidationError(_("Select at least one student."))
        errors = []
        for p in rows:
            try:
                _check_open(p, by, now)
            except ValidationError as error:
                errors.extend(_named(p, m) for m in error.messages)
        _raise_all(errors)

        # Lock in one order (offers, then instructors, each by id) before counting.
        offer_ids = sorted({p.offer_id for p in rows})
        offers = {
            o.pk: o
            for o in Offer.objects.select_for_update().filter(pk__in=offer_ids).order_by("pk")
        }
        allowed = defaultdict(set)
        for offer_id, instructor_id in Offer.instructors.through.objects.filter(
            offer_id__in=offer_ids
        ).values_list("offer_id", "periodinstructor_id"):
            allowed[offer_id].add(instructor_id)
        wanted = {}
        for p in rows:
            chosen = instructor_for.get(p.pk)
            chosen_id = getattr(chosen, "pk", chosen)
            if chosen_id is None and allowed[p.offer_id]:
                errors.append(_named(p, _("choose the field instructor who will supervise.")))
            elif chosen_id is not None and chosen_id not in allowed[p.offer_id]:
                errors.append(
                    _named(p, _("this field instructor does not take students of this offer."))
                )
            wanted[p.pk] = chosen_id
        _raise_all(errors)
        instructor_ids = sorted({i for i in wanted.values() if i is not None})
        instructors = {
            i.pk: i
            for i in PeriodInstructor.objects.select_for_update()
            .filter(pk__in=instructor_ids)
            .order_by("pk")
        }
        taken_seats = dict(
            Placement.objects.filter(offer_id__in=offer_ids, status__in=Placement.HOSTED)
            .values_list("offer_id")
            .annotate(n=Count("pk"))
        )
        taken_places = dict(
            Placement.objects.filter(instructor_id__in=instructor_ids, status__in=Placement.HOSTED)
            .values_list("instructor_id")
            .annotate(n=Count("pk"))
        )
        seats, places = Counter(taken_seats), Counter(taken_places)
        for p in rows:
            offer = offers[p.offer_id]
            seats[offer.pk] += 1
            if seats[offer.pk] > offer.seats:
                errors.append(
                    _named(
                        p,
                        _("the offer's %(seats)d seats are all taken (%(taken)d accepted).")
                        % {"seats": offer.seats, "taken": taken_seats.get(offer.pk, 0)},
                    )
                )
            chosen_id = wanted[p.pk]
            if chosen_id is not None:
                inst = instructors[chosen_id]
                places[chosen_id] += 1
                if places[chosen_id] > inst.capacity:
                    errors.append(
                        _named(
                            p,
                            _(
                                "%(instructor)s already supervises %(taken)d of the "
                                "%(capacity)d students they take in this period."
                            )
                            % {
                                "instructor": inst,
                                "taken": taken_places.get(chosen_id, 0),
                                "capacity": inst.capacity,
                            },
                        )
                    )
        _raise_all(errors)

        done = []
        for p in rows:
            chosen_id = wanted[p.pk]
            try:
                transition(
                    p,
                    to=Placement.Status.ACCEPTED,
                    by=by,
                    extra_updates={
                        "instructor": instructors.get(chosen_id),
                        "decided_at": now,
                        "decided_by": by if getattr(by, "pk", None) else None,
                    },
                )
            except ValidationError as error:
                raise ValidationError([_named(p, m) for m in error.messages]) from error
            done.append(p)
        transaction.on_commit(lambda: _tell_accepted(done))
    return BulkResult(placements=done)


# --- decline ----------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for declining: the school and the student read it.")}
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {
                "reason": _("The reason is too long (at most %(max)d characters).")
                % {"max": REASON_MAX}
            }
        )
    return reason


def placement_decline(*, placement: Placement, reason: str, by, now=None) -> Placement:
    """Decline a proposed student with a reason (required). The student is back in the
    pool for the second allocation (a declined placement is no longer active)."""
    result = placements_decline_bulk(placements=[placement], reason=reason, by=by, now=now)
    declined = result.placements[0]
    for f in Placement._meta.concrete_fields:
        setattr(placement, f.attname, getattr(declined, f.attname))
    return placement


def placements_decline_bulk(
    *, placements: Sequence[Placement], reason: str, by, now=None
) -> BulkResult:
    """Decline several proposed students with one reason, all or nothing."""
    now = now or timezone.now()
    reason = _clean_reason(reason)
    with transaction.atomic():
        rows = _load(placements)
        if not rows:
            raise ValidationError(_("Select at least one student."))
        errors = []
        for p in rows:
            try:
                _check_open(p, by, now)
            except ValidationError as error:
                errors.extend(_named(p, m) for m in error.messages)
        _raise_all(errors)
        done = []
        for p in rows:
            try:
                transition(
                    p,
                    to=Placement.Status.DECLINED,
                    by=by,
                    reason=reason,
                    extra_updates={
                        "decided_at": now,
                        "decided_by": by if getattr(by, "pk", None) else None,
                        "decline_reason": reason,
                    },
                )
            except ValidationError as error:
                raise ValidationError([_named(p, m) for m in error.messages]) from error
            done.append(p)
        transaction.on_commit(lambda: _tell_declined(done, reason))
    return BulkResult(placements=done)


# --- a download is an access ------------------------------------------------------------


def record_accepted_export(*, user, facility, period: PlacementPeriod, count: int) -> None:
    """One audit entry for a download of a facility's accepted students."""
    audit.record(
        actor=user,
        action="placement.export",
        object_type="practicum.placement",
        object_repr=str(period),
        organization=facility,
        new={"period": period.pk, "facility": getattr(facility, "pk", facility), "count": count},
    )
