"""The learning agreement (kế hoạch học tập): the student writes goals per competency,
with planned activities and a schedule, and proposes them; the field instructor and a
coordinator of the school each approve (who and when recorded); with both it is agreed.
A change after agreement starts a new version, which needs all three again; the agreed
versions stay readable. Status moves through ``LearningAgreement.TRANSITIONS``; each
service is permission-checked and audited, and tells the next person to act.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctxh.core import audit
from ctxh.core.notifications import notify, translatable
from ctxh.core.roles import Role
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import transition

from ..models import (
    PRACTICE_STATUSES,
    AgreementGoal,
    AgreementVersion,
    LearningAgreement,
    Placement,
)
from ..selectors.instructors import instructor_users, supervises
from .acceptance import members

__all__ = [
    "INSTRUCTOR",
    "SCHOOL",
    "agreement_approve",
    "agreement_propose",
    "agreement_reopen",
    "agreement_revise",
    "agreement_save",
    "approver_side",
]

A = LearningAgreement.Status
INSTRUCTOR, SCHOOL = "instructor", "school"
MAX_GOALS = 20
GOAL_FIELDS = ("competency", "goal", "activities", "timeframe")


def _url(agreement: LearningAgreement) -> str:
    return reverse("practicum:agreement", args=[agreement.placement_id])


def approver_side(by, agreement: LearningAgreement) -> str | None:
    """Which approval ``by`` gives on this agreement's version: ``INSTRUCTOR`` (they
    supervise the student), ``SCHOOL`` (a coordinator of the student's school), or None.
    Someone who is both gives the instructor's first, then the school's."""
    placement = agreement.placement
    if getattr(by, "pk", None) and placement.student.user_id == by.pk:
        return None
    is_instructor = supervises(by, placement)
    is_school = scope_for(by, LearningAgreement, "decide").covers(placement.school_id)
    if is_instructor and not agreement.instructor_approved_at:
        return INSTRUCTOR
    if is_school and not agreement.coordinator_approved_at:
        return SCHOOL
    if is_instructor:
        return INSTRUCTOR
    return SCHOOL if is_school else None


def _coordinators(placement: Placement) -> list:
    return members([placement.school_id], Role.SCHOOL_COORDINATOR)


def _tell(users, message, agreement: LearningAgreement, **params) -> None:
    notify(users=users, title=translatable(message, **params), url=_url(agreement))


def _check_student(placement: Placement, by) -> None:
    probe = LearningAgreement(placement=placement)
    if not scope_for(by, LearningAgreement, "change").covers_object(probe):
        raise PermissionDenied(_("Only the student writes their learning agreement."))
    if placement.status not in PRACTICE_STATUSES:
        raise ValidationError(
            _(
                "The learning agreement is written while the placement is in practice "
                "(it is “%(status)s”)."
            )
            % {"status": placement.get_status_display()}
        )


def _clean_goals(agreement: LearningAgreement, goals: Sequence[dict]) -> list[AgreementGoal]:
    rows, errors = [], []
    for position, values in enumerate(goals, start=1):
        values = {name: " ".join(str(values.get(name, "") or "").split()) for name in GOAL_FIELDS}
        if not any(values.values()):
            continue
        goal = AgreementGoal(
            agreement=agreement, version=agreement.version, position=position, **values
        )
        try:
            goal.full_clean(exclude=["agreement"])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = AgreementGoal._meta.get_field(name).verbose_name
                errors.extend(
                    _("Goal %(n)d, %(field)s: %(problem)s")
                    % {"n": position, "field": label, "problem": m}
                    for m in messages
                )
        rows.append(goal)
    if len(rows) > MAX_GOALS:
        errors.append(_("At most %(max)d goals.") % {"max": MAX_GOALS})
    if errors:
        raise ValidationError(errors)
    return rows


def agreement_save(
    *, placement: Placement, goals: Sequence[dict], by, note: str = ""
) -> LearningAgreement:
    """Write the student's draft: the goals of the current version replace the ones
    saved before (blank rows ignored). Starts the agreement on first save; refused once
    proposed (take it back to draft first) or agreed (start a new version)."""
    with transaction.atomic():
        placement = (
            Placement.objects.select_for_update(of=("self",))
            .select_related("student")
            .get(pk=placement.pk)
        )
        _check_student(placement, by)
        agreement, created = LearningAgreement.objects.get_or_create(placement=placement)
        if agreement.status != A.DRAFT:
            raise ValidationError(
                _("The agreement is “%(status)s”: take it back to draft to change it.")
                % {"status": agreement.get_status_display()}
                if agreement.status == A.PROPOSED
                else _("The agreement is agreed: start a new version to change it.")
            )
        rows = _clean_goals(agreement, goals)
        before = [{name: getattr(g, name) for name in GOAL_FIELDS} for g in agreement.goals_of()]
        after = [{name: getattr(g, name) for name in GOAL_FIELDS} for g in rows]
        note = " ".join((note or "").split())[:500]
        if created:
            audit.record(
                actor=by,
                action="learningagreement.create",
                obj=agreement,
                organization=placement.school_id,
                new={"version": agreement.version},
            )
        if before != after or note != agreement.note:
            agreement.goals.filter(version=agreement.version).delete()
            AgreementGoal.objects.bulk_create(rows)
            agreement.note = note
            agreement.save(update_fields=["note"])
            audit.record(
                actor=by,
                action="learningagreement.update",
                obj=agreement,
                organization=placement.school_id,
                old={"goals": before},
                new={"goals": after, "note": note},
            )
    return agreement


def _locked(agreement: LearningAgreement) -> LearningAgreement:
    return (
        LearningAgreement.objects.select_for_update(of=("self",))
        .select_related("placement__student__user", "placement__instructor")
        .get(pk=agreement.pk)
    )


def agreement_propose(
    *, agreement: LearningAgreement, by, now: dt.datetime | None = None
) -> LearningAgreement:
    """The student proposes the draft (at least one goal) to the field instructor and the
    school's coordinators."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(agreement)
        _check_student(locked.placement, by)
        if not locked.goals_of().exists():
            raise ValidationError(_("Write at least one goal before proposing the agreement."))
        transition(locked, to=A.PROPOSED, by=by, extra_updates={"proposed_at": now})
        placement = locked.placement
        transaction.on_commit(
            lambda: _tell(
                [*instructor_users(placement), *_coordinators(placement)],
                gettext_lazy("%(student)s proposed a learning agreement: please approve it"),
                locked,
                student=placement.student.full_name,
            )
        )
    return locked


def agreement_approve(
    *, agreement: LearningAgreement, by, now: dt.datetime | None = None
) -> LearningAgreement:
    """Approve the proposed version as its field instructor or as a coordinator of the
    school (see :func:`approver_side`); the second approval makes it agreed."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(agreement)
        placement = locked.placement
        if getattr(by, "pk", None) and placement.student.user_id == by.pk:
            raise ValidationError(_("You cannot approve your own learning agreement."))
        side = approver_side(by, locked)
        if side is None:
            raise PermissionDenied(_("Only the field instructor or the school approves."))
        if locked.status != A.PROPOSED:
            raise ValidationError(
                _("Only a proposed agreement is approved (this one is “%(status)s”).")
                % {"status": locked.get_status_display()}
            )
        prefix = "instructor" if side == INSTRUCTOR else "coordinator"
        if getattr(locked, f"{prefix}_approved_at"):
            raise ValidationError(_("This version already has your approval."))
        updates = {f"{prefix}_approved_at": now, f"{prefix}_approved_by": by}
        other = "coordinator" if side == INSTRUCTOR else "instructor"
        agreed = bool(getattr(locked, f"{other}_approved_at"))
        if agreed:
            transition(
                locked,
                to=A.AGREED,
                by=by,
                extra_updates={**updates, "agreed_at": now},
                audit_values={"side": side},
            )
        else:
            for name, value in updates.items():
                setattr(locked, name, value)
            locked.save(update_fields=list(updates))
            audit.record(
                actor=by,
                action="learningagreement.approve",
                obj=locked,
                organization=placement.school_id,
                new={"side": side, "version": locked.version, f"{prefix}_approved_at": now},
            )

        def tell():
            student = [placement.student.user]
            if agreed:
                _tell(
                    [*student, *instructor_users(placement), *_coordinators(placement)],
                    gettext_lazy("The learning agreement of %(student)s is agreed"),
                    locked,
                    student=placement.student.full_name,
                )
            else:
                waiting = _coordinators(placement) if side == INSTRUCTOR else []
                waiting = waiting or (instructor_users(placement) if side == SCHOOL else [])
                _tell(
                    waiting,
                    gettext_lazy("The learning agreement of %(student)s waits for your approval"),
                    locked,
                    student=placement.student.full_name,
                )

        transaction.on_commit(tell)
    return locked


_CLEARED = {
    "proposed_at": None,
    "instructor_approved_at": None,
    "instructor_approved_by": None,
    "coordinator_approved_at": None,
    "coordinator_approved_by": None,
    "agreed_at": None,
}


def agreement_reopen(*, agreement: LearningAgreement, by, reason: str = "") -> LearningAgreement:
    """Take a proposed agreement back to draft (the student to change it, or an approver
    asking for changes, with a reason); approvals given to it are cleared."""
    reason = " ".join((reason or "").split())[:500]
    with transaction.atomic():
        locked = _locked(agreement)
        placement = locked.placement
        by_student = getattr(by, "pk", None) == placement.student.user_id
        if not by_student and not reason:
            raise ValidationError(_("Say what the student should change."))
        transition(locked, to=A.DRAFT, by=by, reason=reason, extra_updates=dict(_CLEARED))
        if not by_student:
            transaction.on_commit(
                lambda: notify(
                    users=[placement.student.user],
                    title=gettext_lazy("Your learning agreement was sent back for changes"),
                    body=reason,
                    url=_url(locked),
                )
            )
    return locked


def agreement_revise(*, agreement: LearningAgreement, by, reason: str = "") -> LearningAgreement:
    """Start a new version of an agreed agreement (draft, version + 1, its goals copied to
    change): the agreed version is kept (:class:`AgreementVersion` and its goals) and the
    new one needs the student's proposal and both approvals again."""
    reason = " ".join((reason or "").split())[:500]
    with transaction.atomic():
        locked = _locked(agreement)
        placement = locked.placement
        if locked.status != A.AGREED:
            raise ValidationError(_("Only an agreed agreement gets a new version."))
        AgreementVersion.objects.create(
            agreement=locked,
            number=locked.version,
            proposed_at=locked.proposed_at,
            instructor_approved_at=locked.instructor_approved_at,
            instructor_approved_by=locked.instructor_approved_by,
            coordinator_approved_at=locked.coordinator_approved_at,
            coordinator_approved_by=locked.coordinator_approved_by,
            agreed_at=locked.agreed_at,
        )
        old_goals = list(locked.goals_of())
        transition(
            locked,
            to=A.DRAFT,
            by=by,
            reason=reason,
            extra_updates={**_CLEARED, "version": locked.version + 1},
        )
        AgreementGoal.objects.bulk_create(
            AgreementGoal(
                agreement=locked,
                version=locked.version,
                position=g.position,
                **{name: getattr(g, name) for name in GOAL_FIELDS},
            )
            for g in old_goals
        )
        if getattr(by, "pk", None) != placement.student.user_id:
            transaction.on_commit(
                lambda: _tell(
                    [placement.student.user],
                    gettext_lazy("A new version of your learning agreement was started"),
                    locked,
                )
            )
    return locked
