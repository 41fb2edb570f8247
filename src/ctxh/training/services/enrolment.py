"""Nominations and enrolment: who takes part in a class.

An organisation (a ward office, a facility, a school) nominates its own staff from the
workforce registry while the class is open; the organiser accepts up to the capacity, the
rest wait in nomination order and move up by themselves when a place frees. Someone
outside the registry can be added (or register themself when the class allows it): they
are matched to the registry when certain, else put on a review list where the organiser
or their organisation picks the right person or registers them.

Every decision locks the class row first, so that two organisers accepting at once never
fill more places than the class has.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import normalize
from ctxh.core.transitions import transition
from ctxh.organizations.models import Organization
from ctxh.workforce.identify import Identification, identify_person
from ctxh.workforce.models import Person

from ..models import Enrollment, TrainingClass
from .places import (
    ACCEPTED_TITLE,
    DECLINED_TITLE,
    FINISHED,
    TAKING_DECISIONS,
    WAITLISTED_TITLE,
    accepted_count,
    fill_from_waitlist,
    locked_class,
    on_commit_tell,
)

S = Enrollment.Status
_CCCD = re.compile(r"^[0-9]{12}$")


# --- who may ------------------------------------------------------------------------


def may_decide(by, klass: TrainingClass) -> bool:
    """Whether ``by`` decides on the class's participants (its organiser or provider)."""
    scope = scope_for(by, Enrollment, "decide")
    return scope.covers(klass.organizer_id) or (
        klass.provider_id is not None and scope.covers(klass.provider_id)
    )


def may_manage(by, enrollment: Enrollment) -> bool:
    """Whether ``by`` may settle who a participant is in the registry: the organiser of
    the class, the programme office, or the participant's organisation."""
    return may_decide(by, enrollment.training_class) or scope_for(
        by, Enrollment, "nominate"
    ).covers(enrollment.organization_id)


def manageable_enrollments(user):
    """The enrolments ``user`` may settle (see :func:`may_manage`), as a queryset."""
    decide = scope_for(user, Enrollment, "decide")
    nominate = scope_for(user, Enrollment, "nominate")
    if decide.everything or nominate.everything:
        return Enrollment.objects.all()
    condition = Q(pk__in=[])
    if decide.organization_ids:
        condition |= Q(training_class__organizer__in=decide.organization_ids)
        condition |= Q(training_class__provider__in=decide.organization_ids)
    if nominate.organization_ids:
        condition |= Q(organization__in=nominate.organization_ids)
    return Enrollment.objects.filter(condition)


# --- nominations --------------------------------------------------------------------


def _check_open(klass: TrainingClass) -> None:
    if klass.status != TrainingClass.Status.OPEN:
        raise ValidationError(
            _("The class “%(name)s” is not open for nominations (it is %(status)s).")
            % {"name": klass.name, "status": klass.get_status_display().lower()},
            code="not_open",
        )


def _enrolled(klass: TrainingClass, person_ids: Iterable[int]) -> dict[int, Enrollment]:
    return {
        e.person_id: e
        for e in Enrollment.objects.filter(training_class=klass, person_id__in=list(person_ids))
    }


def _already(name: str, enrollment: Enrollment) -> str:
    return _("%(name)s is already in this class (%(status)s).") % {
        "name": name,
        "status": enrollment.get_status_display().lower(),
    }


@transaction.atomic
def nominate(*, training_class: TrainingClass, people: Iterable[Person], by) -> list[Enrollment]:
    """Nominate staff of the registry to a class open for nominations; returns the new
    enrolments (status nominated), all or nothing.

    Refused, with a message naming each person and nothing written: a person who is not
    the nominator's organisation's staff, a person already in the class, a class that is
    not open for nominations.
    """
    scope = scope_for(by, Enrollment, "nominate")
    if scope.empty:
        raise PermissionDenied(_("You may not nominate staff to classes."))
    klass = locked_class(training_class)
    _check_open(klass)
    chosen = list(
        Person.objects.filter(pk__in={p.pk for p in people}).select_related("current_organization")
    )
    if not chosen:
        raise ValidationError(_("Choose at least one person to nominate."), code="empty")
    errors = []
    existing = _enrolled(klass, [p.pk for p in chosen])
    for person in chosen:
        if not scope.covers(person.current_organization_id):
            errors.append(
                _("%(name)s is not one of your organisation's staff.") % {"name": person.full_name}
            )
        elif person.pk in existing:
            errors.append(_already(person.full_name, existing[person.pk]))
    if errors:
        raise ValidationError(errors, code="refused")
    created = []
    for person in sorted(chosen, key=lambda p: (p.sort_key, p.pk)):
        row = Enrollment(
            training_class=klass,
            person=person,
            organization=person.current_organization,
            status=S.NOMINATED,
            match_status=Enrollment.Match.REGISTRY,
            nominated_by=by if getattr(by, "pk", None) else None,
        )
        row.full_clean(exclude=["training_class", "person", "organization"])
        row.save()
        created.append(row)
    audit.record_many(
        actor=by,
        events=[
            {
                "action": "enrollment.nominate",
                "obj": row,
                "organization": row.organization_id,
                "new": audit.snapshot(row, ["training_class_id", "person_id", "status"]),
            }
            for row in created
        ],
    )
    return created


# --- decisions ----------------------------------------------------------------------


@dataclass
class Decision:
    """What :func:`decide` did: who was accepted, put on the waiting list, declined, and
    who was already where they were asked to go."""

    accepted: list[Enrollment] = field(default_factory=list)
    waitlisted: list[Enrollment] = field(default_factory=list)
    declined: list[Enrollment] = field(default_factory=list)
    unchanged: list[Enrollment] = field(default_factory=list)


def _next_position(klass: TrainingClass) -> int:
    top = Enrollment.objects.filter(training_class=klass).aggregate(m=Max("waitlist_position"))
    return (top["m"] or 0) + 1


def _order(e: Enrollment):
    # Those already waiting first, in their order; then nominations, first come first.
    waiting = e.status == S.WAITLISTED
    return (0 if waiting else 1, e.waitlist_position or 0, e.nominated_at, e.pk)


@transaction.atomic
def decide(*, enrollments: Iterable[Enrollment], to: str, by) -> Decision:
    """The organiser's decision on several participants of one class: accept (up to the
    capacity — beyond it, the rest go to the waiting list in nomination order), put on
    the waiting list, or decline. Participants already in ``to`` are left as they are;
    a move the workflow does not allow refuses the whole decision."""
    if to not in (S.ACCEPTED, S.WAITLISTED, S.DECLINED):
        raise ValidationError(_("Unknown decision."), code="unknown")
    ids = {e.pk for e in enrollments}
    if not ids:
        raise ValidationError(_("Choose at least one participant."), code="empty")
    class_ids = set(
        Enrollment.objects.filter(pk__in=ids).values_list("training_class_id", flat=True)
    )
    if len(class_ids) != 1:
        raise ValidationError(_("Decide on the participants of one class at a time."))
    klass = TrainingClass.objects.select_for_update().get(pk=class_ids.pop())
    if not may_decide(by, klass):
        raise PermissionDenied(_("You may not decide on the participants of this class."))
    if klass.status not in TAKING_DECISIONS:
        raise ValidationError(
            _("The class “%(name)s” is %(status)s: no more decisions on its participants.")
            % {"name": klass.name, "status": klass.get_status_display().lower()},
            code="finished",
        )
    rows = sorted(
        Enrollment.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("person"),
        key=_order,
    )
    result = Decision()
    now = timezone.now()
    free = klass.capacity - accepted_count(klass)
    position = _next_position(klass)
    for row in rows:
        row.training_class = klass
        if row.status == to:
            result.unchanged.append(row)
            continue
        target = to
        if to == S.ACCEPTED and free <= 0:
            if row.status == S.WAITLISTED:
                result.unchanged.append(row)
                continue
            target = S.WAITLISTED
        if target == S.WAITLISTED:
            transition(
                row,
                to=target,
                by=by,
                extra_updates={"waitlist_position": position, "decided_at": now},
            )
            position += 1
            result.waitlisted.append(row)
        elif target == S.ACCEPTED:
            transition(
                row, to=target, by=by, extra_updates={"waitlist_position": None, "decided_at": now}
            )
            free -= 1
            result.accepted.append(row)
        else:
            transition(
                row, to=target, by=by, extra_updates={"waitlist_position": None, "decided_at": now}
            )
            result.declined.append(row)
    on_commit_tell(result.accepted, ACCEPTED_TITLE)
    on_commit_tell(result.waitlisted, WAITLISTED_TITLE)
    on_commit_tell(result.declined, DECLINED_TITLE)
    return result


@transaction.atomic
def withdraw(*, enrollment: Enrollment, by, reason: str = "") -> Enrollment:
    """Withdraw a participant (their organisation or the programme office). When they
    held a place, the first on the waiting list moves up into it and is told."""
    klass = locked_class(enrollment.training_class)
    if klass.status in FINISHED:
        raise ValidationError(
            _("The class “%(name)s” is %(status)s: its participants no longer change.")
            % {"name": klass.name, "status": klass.get_status_display().lower()},
            code="finished",
        )
    row = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    row.training_class = klass
    held_place = row.status == S.ACCEPTED
    transition(
        row,
        to=S.WITHDRAWN,
        by=by,
        reason=reason,
        extra_updates={"waitlist_position": None},
    )
    if held_place:
        fill_from_waitlist(
            klass,
            reason=_("%(name)s withdrew and freed a place.") % {"name": row.participant_name},
        )
    for f in Enrollment._meta.concrete_fields:
        setattr(enrollment, f.attname, getattr(row, f.attname))
    return enrollment


# --- participants outside the registry ----------------------------------------------


def _clean_external(full_name: str, date_of_birth, cccd: str, organization) -> tuple[str, str]:
    errors = {}
    full_name = " ".join((full_name or "").split())
    cccd = (cccd or "").strip().replace(" ", "")
    if not full_name:
        errors["full_name"] = _("Give the participant's full name.")
    if date_of_birth is None:
        errors["date_of_birth"] = _("Give the participant's date of birth.")
    elif date_of_birth > dt.date.today():
        errors["date_of_birth"] = _("The date of birth is in the future.")
    if cccd and not _CCCD.match(cccd):
        errors["cccd"] = _("A citizen ID (CCCD) has 12 digits.")
    if organization is None:
        errors["organization"] = _("Give the participant's organisation.")
    if errors:
        raise ValidationError(errors)
    return full_name, cccd


def _external_duplicate(klass, full_name: str, date_of_birth, cccd: str) -> Enrollment | None:
    rows = Enrollment.objects.filter(training_class=klass, person=None)
    if cccd:
        found = rows.filter(cccd=cccd).first()
        if found:
            return found
    name = normalize(full_name)
    for row in rows.filter(date_of_birth=date_of_birth):
        if normalize(row.full_name) == name:
            return row
    return None


def _enrol_external(
    *,
    klass: TrainingClass,
    full_name: str,
    date_of_birth,
    cccd: str,
    organization: Organization,
    by,
    self_registered: bool,
) -> tuple[Enrollment, Identification]:
    full_name, cccd = _clean_external(full_name, date_of_birth, cccd, organization)
    found = identify_person(cccd=cccd, full_name=full_name, date_of_birth=date_of_birth)
    if found.certain:
        existing = _enrolled(klass, [found.person.pk]).get(found.person.pk)
        if existing is not None:
            raise ValidationError(_already(found.person.full_name, existing), code="duplicate")
        match = Enrollment.Match.REGISTRY
    else:
        duplicate = _external_duplicate(klass, full_name, date_of_birth, cccd)
        if duplicate is not None:
            raise ValidationError(_already(full_name, duplicate), code="duplicate")
        match = Enrollment.Match.REVIEW if found.candidates else Enrollment.Match.UNMATCHED
    row = Enrollment(
        training_class=klass,
        person=found.person if found.certain else None,
        organization=organization,
        full_name=full_name,
        date_of_birth=date_of_birth,
        cccd=cccd,
        match_status=match,
        status=S.NOMINATED,
        self_registered=self_registered,
        nominated_by=by if getattr(by, "pk", None) else None,
    )
    row.full_clean(exclude=["training_class", "person", "organization"])
    row.save()
    return row, found


@transaction.atomic
def add_external(
    *,
    training_class: TrainingClass,
    full_name: str,
    date_of_birth: dt.date | None,
    cccd: str = "",
    organization: Organization | None,
    by,
) -> Enrollment:
    """Add a participant named by hand (not chosen from the registry): found in the
    registry when certain (by CCCD, or one person of that name and birth date) and
    enrolled as them; several candidates → enrolled "to review" with the candidates shown
    on the review list; nobody → "not in the registry", offered to their organisation's
    registry. The organiser, the programme office or the participant's organisation may."""
    klass = locked_class(training_class)
    if not (may_decide(by, klass) or scope_for(by, Enrollment, "nominate").covers(organization)):
        raise PermissionDenied(_("You may not add participants to this class."))
    if klass.status not in TAKING_DECISIONS:
        raise ValidationError(
            _("The class “%(name)s” is %(status)s: participants can no longer be added.")
            % {"name": klass.name, "status": klass.get_status_display().lower()},
            code="not_open",
        )
    row, found = _enrol_external(
        klass=klass,
        full_name=full_name,
        date_of_birth=date_of_birth,
        cccd=cccd,
        organization=organization,
        by=by,
        self_registered=False,
    )
    audit.record(
        actor=by,
        action="enrollment.add_external",
        obj=row,
        organization=organization,
        new={
            **audit.snapshot(row, ["training_class_id", "person_id", "match_status", "cccd"]),
            "matched_by": found.by,
            "candidates": [p.pk for p in found.candidates],
        },
    )
    return row


@transaction.atomic
def self_register(
    *,
    training_class: TrainingClass,
    user,
    full_name: str = "",
    date_of_birth: dt.date | None = None,
    cccd: str = "",
    organization: Organization | None = None,
) -> Enrollment:
    """A person registers themself in a class that allows it, while it is open: as their
    own registry record (``Person.user``), or — without one — as an outside participant
    giving their name, date of birth and organisation (then matched as in
    :func:`add_external`)."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    klass = locked_class(training_class)
    _check_open(klass)
    if not klass.self_registration:
        raise ValidationError(
            _(
                "The class “%(name)s” does not take self-registration: ask your organisation "
                "to nominate you."
            )
            % {"name": klass.name},
            code="no_self_registration",
        )
    person = Person.objects.filter(user=user).select_related("current_organization").first()
    if person is not None:
        existing = _enrolled(klass, [person.pk]).get(person.pk)
        if existing is not None:
            raise ValidationError(
                _("You are already in this class (%(status)s).")
                % {"status": existing.get_status_display().lower()},
                code="duplicate",
            )
        row = Enrollment(
            training_class=klass,
            person=person,
            organization=person.current_organization,
            status=S.NOMINATED,
            match_status=Enrollment.Match.REGISTRY,
            self_registered=True,
            nominated_by=user,
        )
        row.full_clean(exclude=["training_class", "person", "organization"])
        row.save()
    else:
        row, _found = _enrol_external(
            klass=klass,
            full_name=full_name,
            date_of_birth=date_of_birth,
            cccd=cccd,
            organization=organization,
            by=user,
            self_registered=True,
        )
    audit.record(
        actor=user,
        action="enrollment.self_register",
        obj=row,
        organization=row.organization_id,
        new=audit.snapshot(row, ["training_class_id", "person_id", "match_status", "status"]),
    )
    return row


# --- the review list ----------------------------------------------------------------


def match_candidates(enrollment: Enrollment) -> tuple[Person, ...]:
    """The registry people an outside participant may be (asked afresh: the registry
    changes), for the review list."""
    if enrollment.person_id:
        return ()
    found = identify_person(
        cccd=enrollment.cccd,
        full_name=enrollment.full_name,
        date_of_birth=enrollment.date_of_birth,
        people=Person.objects.select_related("current_organization"),
    )
    return (found.person,) if found.certain else found.candidates


def _locked_unmatched(enrollment: Enrollment, by) -> Enrollment:
    row = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("training_class")
        .get(pk=enrollment.pk)
    )
    if not may_manage(by, row):
        raise PermissionDenied(_("You may not settle this participant."))
    if row.person_id:
        raise ValidationError(
            _("%(name)s is already linked to the registry.") % {"name": row.participant_name},
            code="linked",
        )
    return row


def _link(row: Enrollment, person: Person, by) -> Enrollment:
    existing = _enrolled(row.training_class, [person.pk]).get(person.pk)
    if existing is not None:
        raise ValidationError(_already(person.full_name, existing), code="duplicate")
    with audit.tracking(
        row,
        actor=by,
        action="enrollment.link",
        organization=row.organization_id,
        fields=["person_id", "match_status"],
    ):
        row.person = person
        row.match_status = Enrollment.Match.REGISTRY
        row.save(update_fields=["person", "match_status"])
    return row


@transaction.atomic
def match_link(*, enrollment: Enrollment, person: Person, by) -> Enrollment:
    """Settle an outside participant as one of the registry candidates shown for them."""
    row = _locked_unmatched(enrollment, by)
    if person.pk not in {p.pk for p in match_candidates(row)}:
        raise ValidationError(
            _("%(name)s is not among the registry people this participant may be.")
            % {"name": person.full_name},
            code="not_candidate",
        )
    return _link(row, person, by)


@transaction.atomic
def match_create_person(*, enrollment: Enrollment, by, gender: str) -> Enrollment:
    """Register an outside participant in their organisation's registry (through the
    workforce's own service: its permission and validation) and link them to it."""
    from ctxh.workforce.services import person_create

    row = _locked_unmatched(enrollment, by)
    if row.organization_id is None:
        raise ValidationError(_("The participant has no organisation to be registered in."))
    person = person_create(
        by=by,
        data={
            "full_name": row.full_name,
            "gender": gender,
            "date_of_birth": row.date_of_birth,
            "cccd": row.cccd or None,
        },
        employment={
            "organization": row.organization,
            "position": "",
            "start_date": timezone.localdate(),
        },
    )
    return _link(row, person, by)
