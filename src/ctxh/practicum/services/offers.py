"""Step 3 of the procedure: a facility's field instructors in a period and its offers.

A facility manager keeps their own facility's; the programme office keeps every facility's
(and so publishes on a facility's behalf). Offers change only while the period is being
prepared or takes preferences, before its preference deadline. Every write is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import transition
from ctxh.organizations.models import Kind, Organization
from ctxh.workforce.models import FieldInstructor

from ..models import (
    Offer,
    PeriodInstructor,
    Placement,
    PlacementPeriod,
    PracticeSite,
    Preference,
    SchoolQuota,
)

#: The period statuses in which facilities still change their offers.
OPEN_FOR_OFFERS = (PlacementPeriod.Status.PREPARING, PlacementPeriod.Status.PREFERENCES)


def _deadline(period: PlacementPeriod) -> str:
    return timezone.localtime(period.preference_deadline).strftime("%H:%M %d/%m/%Y")


def offers_open(period: PlacementPeriod, now=None) -> bool:
    """Whether facilities may still change their offers in ``period``."""
    now = now or timezone.now()
    return period.status in OPEN_FOR_OFFERS and now < period.preference_deadline


def _check_offers_open(period: PlacementPeriod) -> None:
    if period.status not in OPEN_FOR_OFFERS:
        raise ValidationError(
            _("The period “%(period)s” is at the stage “%(status)s”: offers can no longer change.")
            % {"period": period, "status": period.get_status_display()},
            code="period_closed",
        )
    if timezone.now() >= period.preference_deadline:
        raise ValidationError(
            _("The preference deadline (%(deadline)s) has passed: offers can no longer change.")
            % {"deadline": _deadline(period)},
            code="deadline",
        )


def _require(by, model, action: str, facility) -> None:
    if not scope_for(by, model, action).covers(facility):
        raise PermissionDenied(_("You may not manage this facility's offers."))


# --- field instructors of a period ------------------------------------------------------


@transaction.atomic
def period_instructor_set(
    *,
    period: PlacementPeriod,
    facility: Organization,
    instructor: FieldInstructor,
    capacity: int,
    by,
) -> PeriodInstructor:
    """Name a field instructor of the workforce registry who takes ``capacity`` students of
    ``facility`` in ``period`` (or change that number).

    The instructor must be active, work at the facility now, and may not take more students
    than their maximum in the registry, nor fewer than the placements they already have.
    Refused once the period is closed.
    """
    _require(by, PeriodInstructor, "change", facility)
    if period.status == PlacementPeriod.Status.CLOSED:
        raise ValidationError(_("The period is closed."), code="period_closed")
    instructor = (
        FieldInstructor.objects.select_related("person").filter(pk=instructor.pk).first()
        or instructor
    )
    name = str(instructor)
    if not instructor.active:
        raise ValidationError(
            {"instructor": _("%(name)s is not an active field instructor.") % {"name": name}}
        )
    if instructor.person.current_organization_id != facility.pk:
        raise ValidationError(
            {
                "instructor": _("%(name)s does not work at %(facility)s at present.")
                % {"name": name, "facility": facility}
            }
        )
    row = (
        PeriodInstructor.objects.select_for_update()
        .filter(period=period, instructor=instructor)
        .first()
    )
    if row is not None and row.facility_id != facility.pk:
        raise ValidationError(
            {
                "instructor": _(
                    "%(name)s already takes students of another facility in this period."
                )
                % {"name": name}
            }
        )
    if row is not None:
        placed = Placement.objects.filter(
            instructor=row, status__in=(*Placement.ACTIVE, Placement.Status.COMPLETED)
        ).count()
        if capacity is not None and capacity < placed:
            raise ValidationError(
                {
                    "capacity": _("%(name)s already supervises %(count)d students in this period.")
                    % {"name": name, "count": placed}
                }
            )
    row = row or PeriodInstructor(period=period, facility=facility, instructor=instructor)
    with audit.tracking(row, actor=by, action="periodinstructor.set", organization=facility):
        row.capacity = capacity
        row.full_clean()
        row.save()
    return row


@transaction.atomic
def period_instructor_remove(*, period_instructor: PeriodInstructor, by) -> None:
    """Take a field instructor off the period (and off the facility's offers); refused once
    any student has been placed with them."""
    row = PeriodInstructor.objects.select_for_update().filter(pk=period_instructor.pk).first()
    if row is None:
        return
    _require(by, PeriodInstructor, "change", row.facility_id)
    if Placement.objects.filter(instructor=row).exists():
        raise ValidationError(
            _("%(name)s already has students placed in this period: they cannot be removed.")
            % {"name": row.instructor},
            code="has_placements",
        )
    offer_ids = sorted(row.offers.values_list("pk", flat=True))
    audit.record(
        actor=by,
        action="periodinstructor.remove",
        obj=row,
        organization=row.facility_id,
        old={**audit.snapshot(row), "offers": offer_ids},
    )
    row.offers.clear()
    row.delete()


# --- offers ------------------------------------------------------------------------------


def _site(facility: Organization) -> PracticeSite:
    site = PracticeSite.objects.filter(facility=facility).first()
    if site is None or not site.active:
        raise ValidationError(
            {
                "facility": _(
                    "%(facility)s is not in the practice network (or does not receive students "
                    "at present)."
                )
                % {"facility": facility}
            }
        )
    return site


def _offer_values(offer: Offer) -> dict:
    values = audit.snapshot(
        offer, ["period_id", "facility_id", "practice_type", "level", "seats", "notes", "status"]
    )
    values["instructors"] = sorted(offer.instructors.values_list("pk", flat=True))
    values["quotas"] = {
        str(school): seats
        for school, seats in offer.quotas.order_by("school_id").values_list("school_id", "seats")
    }
    return values


@transaction.atomic
def offer_save(
    *,
    period: PlacementPeriod,
    facility: Organization,
    practice_type: str,
    level: str,
    seats: int,
    instructors: Iterable[PeriodInstructor] = (),
    notes: str = "",
    quotas: Mapping[Organization, int] | None = None,
    by,
    offer: Offer | None = None,
) -> Offer:
    """Create a facility's offer in a period (``offer`` None) or change it.

    The facility must be in the practice network and accept the practice type and level;
    ``instructors`` are the facility's field instructors of the period; ``quotas`` caps the
    seats of some schools (``{school: seats}``, each at most ``seats``). Only while the period
    takes offers (see :func:`offers_open`). A new offer is a draft (see :func:`offer_publish`);
    editing a withdrawn offer reopens it as a draft. Once students have ranked an offer its
    practice type and level stay. Fewer instructor places than seats is allowed (see
    :func:`offer_warnings`).
    """
    if offer is not None:
        offer = Offer.objects.select_for_update().filter(pk=offer.pk).first()
        if offer is None:
            raise PermissionDenied
        period, facility = offer.period, offer.facility
    _require(by, Offer, "change", facility)
    _check_offers_open(period)
    site = _site(facility)
    errors: dict[str, list[str]] = {}
    if practice_type not in (site.practice_types or []):
        errors.setdefault("practice_type", []).append(
            _("%(facility)s does not accept this practice type.") % {"facility": facility}
        )
    if level not in (site.levels or []):
        errors.setdefault("level", []).append(
            _("%(facility)s does not accept students at this level.") % {"facility": facility}
        )
    twin = Offer.objects.filter(
        period=period, facility=facility, practice_type=practice_type, level=level
    ).exclude(pk=offer.pk if offer else None)
    twin = twin.first()
    if twin is not None:
        errors.setdefault("__all__", []).append(
            _(
                "%(facility)s already has an offer for this practice type and level in the "
                "period (%(status)s): change that one."
            )
            % {"facility": facility, "status": twin.get_status_display().lower()}
        )
    if (
        offer is not None
        and (offer.practice_type, offer.level) != (practice_type, level)
        and offer.preferences.exists()
    ):
        errors.setdefault("__all__", []).append(
            _(
                "Students have already ranked this offer: its practice type and level can no "
                "longer change (withdraw it and make another)."
            )
        )
    instructors = list(instructors)
    for row in instructors:
        if row.period_id != period.pk or row.facility_id != facility.pk:
            errors.setdefault("instructors", []).append(
                _("%(name)s is not one of the facility's field instructors in this period.")
                % {"name": row.instructor}
            )
    quotas = dict(quotas or {})
    for school, quota in quotas.items():
        if getattr(school, "kind", None) != Kind.SCHOOL:
            errors.setdefault("quotas", []).append(
                _("%(name)s is not a school.") % {"name": school}
            )
        elif quota is None or quota < 0 or (seats and quota > seats):
            errors.setdefault("quotas", []).append(
                _("The quota of %(school)s must be between 0 and the %(seats)d seats.")
                % {"school": school, "seats": seats or 0}
            )
    if errors:
        raise ValidationError(errors)

    creating = offer is None
    old = {} if creating else _offer_values(offer)
    if creating:
        offer = Offer(period=period, facility=facility)
    offer.practice_type, offer.level, offer.seats, offer.notes = (
        practice_type,
        level,
        seats,
        notes.strip(),
    )
    offer.full_clean(validate_unique=False)
    offer.save()
    offer.instructors.set(instructors)
    offer.quotas.exclude(school__in=list(quotas)).delete()
    for school, quota in quotas.items():
        SchoolQuota.objects.update_or_create(offer=offer, school=school, defaults={"seats": quota})
    new = _offer_values(offer)
    old, new = audit.diff(old, new) if not creating else (old, new)
    if creating or new:
        audit.record(
            actor=by,
            action="offer.create" if creating else "offer.update",
            obj=offer,
            organization=facility,
            old=old,
            new=new,
        )
    if offer.status == Offer.Status.WITHDRAWN:
        transition(offer, to=Offer.Status.DRAFT, by=by)
    return offer


def offer_warnings(offer: Offer) -> list[str]:
    """What the facility should know about ``offer`` without being stopped by it: fewer
    places with its field instructors than seats, or no instructor at all."""
    places = offer.instructors.aggregate(total=Sum("capacity"))["total"] or 0
    if places == 0:
        return [_("No field instructor is named on this offer yet.")]
    if places < offer.seats:
        return [
            _(
                "The offer has %(seats)d seats but its field instructors take %(places)d "
                "students in all: some seats may stay empty."
            )
            % {"seats": offer.seats, "places": places}
        ]
    return []


@transaction.atomic
def offer_publish(*, offer: Offer, by) -> Offer:
    """Publish a draft offer: students of eligible rounds can rank it from now on. The
    programme office may publish on the facility's behalf."""
    _require(by, Offer, "publish", offer.facility_id)
    _check_offers_open(offer.period)
    _site(offer.facility)
    return transition(
        offer,
        to=Offer.Status.PUBLISHED,
        by=by,
        extra_updates={
            "published_at": timezone.now(),
            "published_by": by if getattr(by, "pk", None) else None,
        },
    )


@transaction.atomic
def offer_withdraw(*, offer: Offer, by, reason: str) -> Offer:
    """Withdraw an offer before the preference deadline. The students who had ranked it lose
    that choice (their other choices move up); the removed preferences are audited."""
    _require(by, Offer, "publish", offer.facility_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the offer is withdrawn.")})
    _check_offers_open(offer.period)
    offer = transition(offer, to=Offer.Status.WITHDRAWN, by=by, reason=reason)
    removed = list(
        Preference.objects.select_for_update()
        .filter(offer=offer)
        .order_by("student_id")
        .values_list("student_id", "rank")
    )
    if removed:
        Preference.objects.filter(offer=offer).delete()
        students = [student for student, _rank in removed]
        # Close the gaps: each student's remaining choices keep their order from rank 1.
        remaining = Preference.objects.select_for_update().filter(student_id__in=students)
        by_student: dict[int, list[Preference]] = {}
        for pref in remaining.order_by("student_id", "rank"):
            by_student.setdefault(pref.student_id, []).append(pref)
        for prefs in by_student.values():
            for position, pref in enumerate(prefs, start=1):
                if pref.rank != position:
                    pref.rank = position
                    pref.save(update_fields=["rank"])
        audit.record(
            actor=by,
            action="offer.preferences_removed",
            obj=offer,
            organization=offer.facility_id,
            old={"preferences": [{"student": s, "rank": r} for s, r in removed]},
            new={"reason": reason},
        )
    return offer
