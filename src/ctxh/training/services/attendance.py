"""Attendance of a class: ticked in bulk by the organiser, or by the participant's own
check-in with the session's QR code; then, when the class closes, who completed it.

* :func:`attendance_mark` — the organiser (or provider) ticks present / late / absent for
  the accepted participants of one session, all or nothing, one audit event per call;
* :func:`checkin` — a participant signed in on their phone checks in with the code of the
  session's QR code, accepted only from :data:`CHECKIN_MARGIN` before the session starts
  to :data:`CHECKIN_MARGIN` after it ends (local time), recorded once, late after
  :data:`LATE_AFTER`;
* :func:`scores_set` — the organiser enters the test scores (0–10);
* :func:`completion_compute` — each accepted participant's attendance rate and whether
  they met the class's completion rule (called when the class closes).

Audit events carry counts, never the participants' names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for

from ..models import Attendance, ClassSession, Enrollment, TrainingClass

#: How long before a session starts and after it ends its QR code is accepted.
CHECKIN_MARGIN = dt.timedelta(minutes=15)
#: A check-in later than this after the start is recorded as late.
LATE_AFTER = dt.timedelta(minutes=15)
#: Class statuses in which attendance may be recorded.
RECORDING = (TrainingClass.Status.OPEN, TrainingClass.Status.RUNNING)
ATTENDED = (Attendance.Status.PRESENT, Attendance.Status.LATE)
SCORE_MIN, SCORE_MAX = Decimal("0"), Decimal("10")


def may_run(user, training_class: TrainingClass, model=Attendance, action: str = "change") -> bool:
    """Whether ``user`` may ``action`` on ``model`` for ``training_class`` — its organiser's
    or provider's (the class's scope paths), or the programme office."""
    scope = scope_for(user, model, action)
    return scope.covers(training_class.organizer) or (
        training_class.provider_id is not None and scope.covers(training_class.provider)
    )


def _check_runs(by, training_class: TrainingClass) -> None:
    if not may_run(by, training_class):
        raise PermissionDenied(_("You may not record attendance for this class."))


def _check_recording(training_class: TrainingClass) -> None:
    if training_class.status not in RECORDING:
        raise ValidationError(
            _("Attendance is recorded only while the class is open or running (it is %(s)s).")
            % {"s": training_class.get_status_display()}
        )


def session_window(session: ClassSession) -> tuple[dt.datetime, dt.datetime]:
    """When the session's code is accepted: aware local datetimes, margins included."""
    starts = timezone.make_aware(dt.datetime.combine(session.date, session.starts_at))
    ends = timezone.make_aware(dt.datetime.combine(session.date, session.ends_at))
    return starts - CHECKIN_MARGIN, ends + CHECKIN_MARGIN


def session_is_open(session: ClassSession, now: dt.datetime | None = None) -> bool:
    """Whether the session's QR code is accepted at ``now``."""
    opens, closes = session_window(session)
    return opens <= (now or timezone.now()) <= closes


# --- the organiser's ticks -----------------------------------------------------------------


def attendance_mark(*, session: ClassSession, marks: dict, by) -> dict[str, int]:
    """Record the attendance of ``session``: ``marks`` maps an enrolment id to ``present``,
    ``late`` or ``absent`` (an empty value leaves that participant as they are). Only the
    class's accepted participants; everything is checked first, then written together, in
    one audited step. Returns the counts written by status."""
    training_class = session.training_class
    _check_runs(by, training_class)
    _check_recording(training_class)
    statuses = set(Attendance.Status.values)
    wanted: dict[int, str] = {}
    errors: list[str] = []
    for key, value in marks.items():
        if value in (None, ""):
            continue
        try:
            enrollment_id = int(key)
        except (TypeError, ValueError):
            errors.append(_("Unknown participant: %(v)s.") % {"v": key})
            continue
        if value not in statuses:
            errors.append(_("Unknown attendance status: %(v)s.") % {"v": value})
            continue
        wanted[enrollment_id] = value
    accepted = set(
        Enrollment.objects.filter(
            training_class=training_class,
            status=Enrollment.Status.ACCEPTED,
            pk__in=wanted,
        ).values_list("pk", flat=True)
    )
    strangers = sorted(set(wanted) - accepted)
    if strangers:
        errors.append(
            _("%(n)d of the marks are not for accepted participants of this class.")
            % {"n": len(strangers)}
        )
    if errors:
        raise ValidationError(errors)
    counts = dict.fromkeys(Attendance.Status.values, 0)
    with transaction.atomic():
        existing = {
            row.enrollment_id: row
            for row in Attendance.objects.select_for_update().filter(
                session=session, enrollment_id__in=wanted
            )
        }
        now = timezone.now()
        changed, created = [], []
        for enrollment_id, status in wanted.items():
            row = existing.get(enrollment_id)
            if row is None:
                created.append(
                    Attendance(
                        session=session,
                        enrollment_id=enrollment_id,
                        status=status,
                        method=Attendance.Method.ORGANIZER,
                    )
                )
            elif row.status != status:
                row.status, row.method, row.recorded_at = status, Attendance.Method.ORGANIZER, now
                changed.append(row)
            else:
                continue
            counts[status] += 1
        Attendance.objects.bulk_create(created)
        Attendance.objects.bulk_update(changed, ["status", "method", "recorded_at"])
        if created or changed:
            audit.record(
                actor=by,
                action="attendance.mark",
                obj=session,
                organization=training_class.organizer,
                new={**counts, "new": len(created), "changed": len(changed)},
            )
    return counts


# --- the participant's QR check-in ---------------------------------------------------------


@dataclass(frozen=True)
class CheckinResult:
    """A check-in written: the row and its status (present or late)."""

    attendance: Attendance
    session: ClassSession

    @property
    def late(self) -> bool:
        return self.attendance.status == Attendance.Status.LATE


def session_for_token(token: str) -> ClassSession | None:
    """The session whose QR code holds ``token`` (None: no such code)."""
    if not token or len(token) > 40:
        return None
    return (
        ClassSession.objects.select_related("training_class__course")
        .filter(checkin_token=token)
        .first()
    )


def _hhmm(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M")


def checkin(*, token: str, user, now: dt.datetime | None = None) -> CheckinResult:
    """Record that ``user`` (through their registry person) attends the session of
    ``token``, present — or late after :data:`LATE_AFTER`. Refused, with nothing written,
    for an unknown or expired code, an account that is not an accepted participant of the
    class, and a participant already recorded (an "absent" ticked before they arrived is
    replaced)."""
    now = now or timezone.now()
    session = session_for_token(token)
    if session is None:
        raise ValidationError(
            _("This check-in code is not valid. Scan the QR code shown in the class again."),
            code="unknown",
        )
    opens, closes = session_window(session)
    if not opens <= now <= closes:
        raise ValidationError(
            _(
                "This check-in code is accepted only during the session (%(date)s, "
                "%(start)s–%(end)s). It has expired or is not valid yet."
            )
            % {
                "date": session.date.strftime("%d/%m/%Y"),
                "start": _hhmm(opens),
                "end": _hhmm(closes),
            },
            code="expired",
        )
    training_class = session.training_class
    if training_class.status not in RECORDING:
        raise ValidationError(_("This class does not take check-ins now."), code="closed")
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update()
            .filter(
                training_class=training_class,
                person__user=user if getattr(user, "pk", None) else None,
                status=Enrollment.Status.ACCEPTED,
            )
            .first()
        )
        if enrollment is None:
            raise ValidationError(
                _(
                    "Your account is not an accepted participant of this class. Ask the "
                    "organiser to record your attendance."
                ),
                code="not_enrolled",
            )
        row = Attendance.objects.filter(session=session, enrollment=enrollment).first()
        if row is not None and not (
            row.status == Attendance.Status.ABSENT and row.method == Attendance.Method.ORGANIZER
        ):
            raise ValidationError(
                _("Your attendance was already recorded at %(time)s.")
                % {"time": _hhmm(row.recorded_at)},
                code="already",
            )
        starts = timezone.make_aware(dt.datetime.combine(session.date, session.starts_at))
        status = Attendance.Status.LATE if now > starts + LATE_AFTER else Attendance.Status.PRESENT
        old = {"status": row.status} if row else None
        if row is None:
            row = Attendance(session=session, enrollment=enrollment)
        row.status, row.method = status, Attendance.Method.QR
        row.save()
        audit.record(
            actor=user,
            action="attendance.checkin",
            obj=session,
            organization=training_class.organizer,
            old=old,
            new={"status": status},
        )
    return CheckinResult(attendance=row, session=session)


# --- scores and completion -----------------------------------------------------------------


def parse_score(value) -> Decimal | None:
    """A test score from a form or a sheet ("8,5" or "8.5"; empty → None); ValidationError
    when it is not a number from 0 to 10."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        score = None
    if score is None or not score.is_finite() or not SCORE_MIN <= score <= SCORE_MAX:
        raise ValidationError(
            _("A test score is a number from 0 to 10 (got “%(v)s”).") % {"v": value}
        )
    return score.quantize(Decimal("0.1"))


def scores_set(*, training_class: TrainingClass, scores: dict, by) -> int:
    """Enter the test scores of ``training_class``'s accepted participants: ``scores`` maps
    an enrolment id to a score from 0 to 10 (empty clears it). All or nothing; one audit
    event (how many changed). Returns how many scores changed."""
    _check_runs(by, training_class)
    parsed: dict[int, Decimal | None] = {}
    errors: list[str] = []
    for key, value in scores.items():
        try:
            parsed[int(key)] = parse_score(value)
        except ValidationError as error:
            errors.extend(error.messages)
        except (TypeError, ValueError):
            errors.append(_("Unknown participant: %(v)s.") % {"v": key})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        rows = {
            e.pk: e
            for e in Enrollment.objects.select_for_update().filter(
                training_class=training_class, status=Enrollment.Status.ACCEPTED, pk__in=parsed
            )
        }
        if set(parsed) - set(rows):
            raise ValidationError(
                _("%(n)d of the scores are not for accepted participants of this class.")
                % {"n": len(set(parsed) - set(rows))}
            )
        changed = []
        for pk, score in parsed.items():
            if rows[pk].test_score != score:
                rows[pk].test_score = score
                changed.append(rows[pk])
        Enrollment.objects.bulk_update(changed, ["test_score"])
        if changed:
            audit.record(
                actor=by,
                action="enrollment.scores",
                obj=training_class,
                organization=training_class.organizer,
                new={"scores": len(changed)},
            )
    return len(changed)


def _rate(attended: int, sessions: int) -> Decimal | None:
    if not sessions:
        return None
    return (Decimal(100) * attended / sessions).quantize(Decimal("0.01"))


def meets_rule(training_class: TrainingClass, rate: Decimal | None, score) -> bool:
    """Whether a participant with attendance ``rate`` (%) and test ``score`` completes the
    class: rate ≥ the minimum attendance (no sessions: only a minimum of 0) and, when the
    class has a test, score ≥ the minimum score."""
    if rate is None:
        attended_enough = not training_class.min_attendance
    else:
        attended_enough = rate >= training_class.min_attendance
    if training_class.min_score is None:
        return attended_enough
    return attended_enough and score is not None and score >= training_class.min_score


def completion_compute(*, training_class: TrainingClass, by) -> dict[str, int]:
    """Compute each accepted participant's attendance rate (present + late over the class's
    sessions) and whether they completed the class by its rule; written in bulk, one audit
    event. The class's close calls it; the organiser may run it again. Returns the counts
    of participants and of those who completed."""
    _check_runs(by, training_class)
    sessions = training_class.sessions.count()
    with transaction.atomic():
        enrollments = list(
            Enrollment.objects.select_for_update().filter(
                training_class=training_class, status=Enrollment.Status.ACCEPTED
            )
        )
        # Counted apart: PostgreSQL takes no FOR UPDATE with a GROUP BY.
        attended = dict(
            Attendance.objects.filter(
                session__training_class=training_class,
                enrollment__status=Enrollment.Status.ACCEPTED,
                status__in=ATTENDED,
            )
            .values("enrollment_id")
            .annotate(n=Count("id"))
            .values_list("enrollment_id", "n")
        )
        changed = []
        for enrollment in enrollments:
            rate = _rate(attended.get(enrollment.pk, 0), sessions)
            completed = meets_rule(training_class, rate, enrollment.test_score)
            if (enrollment.attendance_rate, enrollment.completed) != (rate, completed):
                enrollment.attendance_rate, enrollment.completed = rate, completed
                changed.append(enrollment)
        Enrollment.objects.bulk_update(changed, ["attendance_rate", "completed"], batch_size=500)
        counts = {
            "participants": len(enrollments),
            "completed": sum(1 for e in enrollments if e.completed),
            "sessions": sessions,
            "changed": len(changed),
        }
        audit.record(
            actor=by,
            action="trainingclass.completion",
            obj=training_class,
            organization=training_class.organizer,
            new=counts,
        )
    return counts
