"""The placement's practice: started, completed (with the completion letter), interrupted.

Every move goes through :func:`ctxh.core.transitions.transition` and the table on
:class:`~ctxh.practicum.models.Placement` (who may: the role table's ``start``,
``complete`` and ``interrupt`` rows, or the placement's own field instructor).

* ``accepted → in_practice``: the facility's "start" button, the first logbook entry
  (the logbook calls :func:`placement_start`), or the daily job on the round's first day
  (:func:`placements_start_due`, as ``SYSTEM``).
* ``in_practice → completed``: the facility confirms, once the round's required hours are
  approved and the instructor's final evaluation is in; the completion letter (giấy xác
  nhận hoàn thành thực tập) is then issued in the facility's name through the documents
  app.
* ``accepted / in_practice → interrupted``: with a reason, by the school's coordinator,
  the facility or the programme office; the placement and its records stay.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctxh.core.notifications import notify, translatable
from ctxh.core.roles import Role
from ctxh.core.scoping import SYSTEM, may
from ctxh.core.transitions import get_transition, may_make, transition
from ctxh.documents.models import Document
from ctxh.documents.models import Kind as DocumentKind
from ctxh.documents.services import issue_document, valid_document_for

from .. import letters
from ..models import Evaluation, Placement
from ..selectors.hours import approved_hours
from .acceptance import members

__all__ = [
    "completion_letter",
    "completion_problems",
    "format_hours",
    "issue_completion_letter",
    "placement_complete",
    "placement_interrupt",
    "placement_start",
    "placements_start_due",
]

REASON_MAX = Placement._meta.get_field("interrupt_reason").max_length


def format_hours(value: Decimal) -> str:
    """Hours as a Vietnamese letter prints them: ``240``, ``240,5``."""
    text = f"{Decimal(value).normalize():f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _url(placement: Placement) -> str:
    return reverse("practicum:placement_detail", args=[placement.pk])


def _locked(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related(
            "student__round", "student__user", "school", "facility", "period",
            "instructor__instructor__person",
        )
        .get(pk=placement.pk)
    )  # fmt: skip


def _check_may(by, placement: Placement, to) -> None:
    """PermissionDenied unless ``by`` may make the move to ``to`` from some status (asked
    before any validation, so that a refusal never tells what the checks would say)."""
    moves = [
        move
        for source in Placement.TRANSITIONS
        if (move := get_transition(Placement, source, to)) is not None
    ]
    if not any(may_make(by, placement, move) for move in moves):
        raise PermissionDenied(_("You may not make this change."))


# --- start --------------------------------------------------------------------------------


def placement_start(*, placement: Placement, by, now: dt.datetime | None = None) -> Placement:
    """Mark an accepted placement as in practice (the facility's button, the first logbook
    entry, or the round's first day). A placement already in practice is left as it is."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(placement)
        _check_may(by, locked, Placement.Status.IN_PRACTICE)
        if locked.status == Placement.Status.IN_PRACTICE:
            return locked
        if locked.status != Placement.Status.ACCEPTED:
            raise ValidationError(
                _("Only an accepted placement can start (this one is “%(status)s”).")
                % {"status": locked.get_status_display()},
                code="status",
            )
        transition(
            locked, to=Placement.Status.IN_PRACTICE, by=by, extra_updates={"started_at": now}
        )
    for f in Placement._meta.concrete_fields:
        setattr(placement, f.attname, getattr(locked, f.attname))
    return placement


def placements_start_due(*, today: dt.date | None = None) -> int:
    """Start every accepted placement whose round has begun (the daily job, as SYSTEM);
    returns how many were started."""
    today = today or timezone.localdate()
    due = Placement.objects.filter(
        status=Placement.Status.ACCEPTED, student__round__starts_on__lte=today
    ).order_by("pk")
    count = 0
    for placement in due.iterator():
        placement_start(placement=placement, by=SYSTEM)
        count += 1
    return count


# --- complete -----------------------------------------------------------------------------


def completion_problems(placement: Placement, *, hours: Decimal | None = None) -> list[str]:
    """Why ``placement`` cannot be completed yet (empty: it can), in the user's language."""
    problems = []
    if placement.status != Placement.Status.IN_PRACTICE:
        problems.append(
            _("Only a placement in practice can be completed (this one is “%(status)s”).")
            % {"status": placement.get_status_display()}
        )
        return problems
    required = placement.student.round.required_hours
    hours = approved_hours(placement) if hours is None else hours
    if hours < required:
        problems.append(
            _(
                "Only %(approved)s of the %(required)d required hours are approved: "
                "the missing hours must be logged and approved first."
            )
            % {"approved": format_hours(hours), "required": required}
        )
    if not Evaluation.objects.filter(
        placement=placement, kind=Evaluation.Kind.INSTRUCTOR_FINAL
    ).exists():
        problems.append(_("The field instructor's final evaluation has not been submitted yet."))
    return problems


def _tell_completed(placement: Placement) -> None:
    notify(
        users=[placement.student.user],
        title=translatable(
            gettext_lazy("%(facility)s confirmed your practice is complete"),
            facility=placement.facility.name,
        ),
        body=gettext_lazy("Your completion letter is issued: download it from the placement."),
        url=_url(placement),
    )
    notify(
        users=members([placement.school_id], Role.SCHOOL_COORDINATOR),
        title=translatable(
            gettext_lazy("%(student)s completed the practice at %(facility)s"),
            student=placement.student.full_name,
            facility=placement.facility.name,
        ),
        url=_url(placement),
    )


def placement_complete(*, placement: Placement, by, now: dt.datetime | None = None) -> Placement:
    """Confirm that ``placement``'s practice is complete (by the facility's manager, the
    placement's field instructor or the programme office): the round's required hours
    are approved and the instructor's final evaluation is in. Then the completion letter
    is issued in the facility's name. Refused with a clear message, nothing written,
    otherwise."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(placement)
        _check_may(by, locked, Placement.Status.COMPLETED)
        hours = approved_hours(locked)
        problems = completion_problems(locked, hours=hours)
        if problems:
            raise ValidationError(problems, code="incomplete")
        transition(
            locked,
            to=Placement.Status.COMPLETED,
            by=by,
            extra_updates={"completed_at": now},
            audit_values={"approved_hours": format_hours(hours)},
            on_commit=[_tell_completed],
        )
        # The letter is the facility's: an instructor, who does not issue documents, has
        # it issued by the platform (the completion above is audited in their name).
        issuer = by if may(by, Document, "issue", locked.facility) else SYSTEM
        # The student's notification of the completion says the letter is issued.
        issue_completion_letter(placement=locked, by=issuer, hours=hours, tell_student=False)
    for f in Placement._meta.concrete_fields:
        setattr(placement, f.attname, getattr(locked, f.attname))
    return placement


def completion_letter(placement: Placement) -> Document | None:
    """The placement's valid completion letter, if issued."""
    return valid_document_for(placement, kind=DocumentKind.COMPLETION)


def issue_completion_letter(
    *, placement: Placement, by, hours: Decimal | None = None, tell_student: bool = True
) -> Document:
    """The facility's completion letter for a completed ``placement`` (issued once: the
    valid one after). It names the student, the school, the facility, the round, the
    dates of the practice and the approved hours. A new letter is notified to the
    student (``tell_student``)."""
    with transaction.atomic():
        placement = _locked(placement)
        existing = completion_letter(placement)
        if existing is not None:
            return existing
        if placement.status != Placement.Status.COMPLETED:
            raise ValidationError(
                _("A completion letter is issued only once the facility has confirmed completion.")
            )
        hours = approved_hours(placement) if hours is None else hours
        inputs = letters._placement_inputs(placement)
        with translation.override("vi"):
            start = (
                timezone.localtime(placement.started_at).date()
                if placement.started_at
                else placement.student.round.starts_on
            )
            end = timezone.localtime(placement.completed_at or timezone.now()).date()
            inputs.update(
                {
                    "started_on": start.strftime("%d/%m/%Y"),
                    "completed_on": end.strftime("%d/%m/%Y"),
                    "approved_hours": format_hours(hours),
                    "period": placement.period.name,
                    "recipients": [
                        placement.school.name,
                        "Sinh viên " + placement.student.full_name,
                    ],
                }
            )
        document = issue_document(
            kind=DocumentKind.COMPLETION,
            organization=placement.facility,
            title="Giấy xác nhận hoàn thành thực tập",
            holder_name=placement.student.full_name,
            template="practicum:completion",
            inputs=inputs,
            source=placement,
            by=by,
        )
        if tell_student:
            letters._tell_student(
                placement, document, gettext_lazy("Your completion letter was issued")
            )
        return document


# --- interrupt ----------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for the interruption: it stays on the record.")}
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {
                "reason": _("The reason is too long (at most %(max)d characters).")
                % {"max": REASON_MAX}
            }
        )
    return reason


def _tell_interrupted(placement: Placement) -> None:
    title = translatable(
        gettext_lazy("The placement of %(student)s at %(facility)s was interrupted"),
        student=placement.student.full_name,
        facility=placement.facility.name,
    )
    users = {
        placement.student.user,
        *members([placement.school_id], Role.SCHOOL_COORDINATOR),
        *members([placement.facility_id], Role.FACILITY_MANAGER),
    }
    notify(users=users, title=title, body=placement.interrupt_reason, url=_url(placement))


def placement_interrupt(
    *, placement: Placement, reason: str, by, now: dt.datetime | None = None
) -> Placement:
    """Interrupt an accepted or ongoing placement with ``reason`` (the student withdraws,
    the site closes…), by the school's coordinator, the facility or the programme office.
    The placement keeps its history (logbook, sessions, evaluations); the student may be
    placed again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(placement)
        _check_may(by, locked, Placement.Status.INTERRUPTED)
        reason = _clean_reason(reason)
        if locked.status not in Placement.CURRENT:
            raise ValidationError(
                _(
                    "Only an accepted or ongoing placement can be interrupted "
                    "(this one is “%(status)s”)."
                )
                % {"status": locked.get_status_display()},
                code="status",
            )
        transition(
            locked,
            to=Placement.Status.INTERRUPTED,
            by=by,
            reason=reason,
            extra_updates={"interrupted_at": now, "interrupt_reason": reason},
            on_commit=[_tell_interrupted],
        )
    for f in Placement._meta.concrete_fields:
        setattr(placement, f.attname, getattr(locked, f.attname))
    return placement
