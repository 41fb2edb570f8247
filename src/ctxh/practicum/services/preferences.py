"""Step 4 of the procedure: a student's ranked choices of offers.

The student ranks for themself; their school's coordinator or the programme office may enter
the ranking for them. Preferences are open while the period takes them, until its deadline;
after the deadline they are frozen for students and schools alike — the programme office may
still correct a ranking, and the audit event says it was late.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for

from ..eligibility import ineligibility
from ..models import Offer, PlacementPeriod, PracticeSite, Preference, Student


def may_enter_preferences(by, student: Student) -> bool:
    """Whether ``by`` may change ``student``'s ranking at all (themself, their school's
    coordinator, the programme office) — the deadline aside."""
    scope = scope_for(by, Preference, "change")
    return scope.covers(student.school_id, owner_id=student.user_id)


def preferences_frozen_for(by, period: PlacementPeriod, now=None) -> str:
    """Why ``by`` may not change rankings in ``period`` now ("" when they may)."""
    now = now or timezone.now()
    if period.status != PlacementPeriod.Status.PREFERENCES:
        return _("Preferences are not open in this period (it is at the stage “%(status)s”).") % {
            "status": period.get_status_display()
        }
    if now >= period.preference_deadline and not scope_for(by, Preference, "change").everything:
        return _("The preference deadline (%(deadline)s) has passed: preferences are frozen.") % {
            "deadline": timezone.localtime(period.preference_deadline).strftime("%H:%M %d/%m/%Y")
        }
    return ""


def _sites_of(offers: Sequence[Offer]) -> dict[int, PracticeSite]:
    facility_ids = {offer.facility_id for offer in offers}
    return {
        site.facility_id: site for site in PracticeSite.objects.filter(facility_id__in=facility_ids)
    }


@transaction.atomic
def preferences_set(*, student: Student, offers: Sequence[Offer], by) -> list[Preference]:
    """Replace ``student``'s ranking with ``offers`` in this order (rank = position + 1).

    Refused, with nothing written, when: ``by`` may not rank for this student; the period is
    not taking preferences or its deadline has passed (the programme office excepted: its
    late change is audited as such); more offers than the period's number of choices; an
    offer twice; an offer not published, of another period, or one the student is not
    eligible for (the reason is given). An unchanged ranking writes nothing. The audit event
    holds the old and new rankings as offer ids only.
    """
    if not may_enter_preferences(by, student):
        raise PermissionDenied(_("You may not enter preferences for this student."))
    # One writer at a time per student: the ranking is read and replaced as a whole.
    student = (
        Student.objects.select_for_update(of=("self",))
        .select_related("round", "period")
        .get(pk=student.pk)
    )
    period = student.period
    frozen = preferences_frozen_for(by, period)
    if frozen:
        raise ValidationError(frozen, code="frozen")
    offers = list(offers)
    if len(offers) > period.max_choices:
        raise ValidationError(
            _("At most %(max)d choices may be ranked; you gave %(count)d.")
            % {"max": period.max_choices, "count": len(offers)},
            code="too_many",
        )
    ids = [offer.pk for offer in offers]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("An offer may be ranked only once."), code="duplicate")
    fresh = {
        offer.pk: offer for offer in Offer.objects.select_related("facility").filter(pk__in=ids)
    }
    offers = [fresh[pk] for pk in ids if pk in fresh]
    if len(offers) != len(ids):
        raise ValidationError(_("One of the offers no longer exists."), code="missing")
    sites = _sites_of(offers)
    errors = []
    for rank, offer in enumerate(offers, start=1):
        if offer.status != Offer.Status.PUBLISHED:
            reason = _("the offer is not published (%(status)s).") % {
                "status": offer.get_status_display().lower()
            }
        else:
            reason = ineligibility(student, offer, sites.get(offer.facility_id))
        if reason:
            errors.append(
                _("Choice %(rank)d (%(offer)s): %(reason)s")
                % {"rank": rank, "offer": offer, "reason": reason}
            )
    if errors:
        raise ValidationError(errors, code="ineligible")

    current = list(Preference.objects.filter(student=student).order_by("rank"))
    old_ids = [pref.offer_id for pref in current]
    if old_ids == ids:
        return current
    Preference.objects.filter(student=student).delete()
    entered_by = by if getattr(by, "pk", None) else None
    created = Preference.objects.bulk_create(
        [
            Preference(student=student, offer=offer, rank=rank, entered_by=entered_by)
            for rank, offer in enumerate(offers, start=1)
        ]
    )
    new = {"offers": ids}
    if timezone.now() >= period.preference_deadline:
        new["after_deadline"] = True
    audit.record(
        actor=by,
        action="preference.set",
        object_type="practicum.student",
        object_id=student.pk,
        object_repr=student.student_code,
        organization=student.school_id,
        old={"offers": old_ids},
        new=new,
    )
    return created
