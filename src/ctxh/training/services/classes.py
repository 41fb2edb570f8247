"""Classes and their sessions: planning, editing and moving a class through its workflow.

The programme office plans any class; a trainer's organisation plans the classes it
organises (it must be the organiser). A class that is closed or cancelled no longer
changes. When a class is cancelled, the organisations of its participants are told.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctxh.core import audit
from ctxh.core.notifications import notify, translatable
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import transition

from ..models import Attendance, ClassSession, Enrollment, TrainingClass
from .catalogue import _unknown
from .places import FINISHED, _nominators, fill_from_waitlist, locked_class

#: What a service may set on a class (status moves through :func:`class_move`).
CLASS_FIELDS = (
    "course",
    "code",
    "name",
    "organizer",
    "provider",
    "starts_on",
    "ends_on",
    "capacity",
    "funding",
    "self_registration",
    "min_attendance",
    "min_score",
    "venue",
)
SESSION_FIELDS = ("date", "starts_at", "ends_at", "venue", "online_link", "topic")
#: Participants who hold or wait for a place (they are told when the class is cancelled).
ACTIVE_ENROLMENT = (
    Enrollment.Status.NOMINATED,
    Enrollment.Status.ACCEPTED,
    Enrollment.Status.WAITLISTED,
)


def _check_not_finished(klass: TrainingClass) -> None:
    if klass.status in FINISHED:
        raise ValidationError(
            _("The class “%(name)s” is %(status)s: it can no longer change.")
            % {"name": klass.name, "status": klass.get_status_display().lower()},
            code="finished",
        )


def _check_rule(values: dict[str, Any]) -> None:
    """Clear messages for the completion rule and capacity (before the model's own)."""
    errors = {}
    attendance = values.get("min_attendance")
    if attendance is not None and not 0 <= attendance <= 100:
        errors["min_attendance"] = _(
            "The minimum attendance is a percentage between 0 and 100 (given: %(value)s)."
        ) % {"value": attendance}
    score = values.get("min_score")
    if score is not None and not 0 <= score <= 10:
        errors["min_score"] = _(
            "The minimum test score is on a scale of 10: between 0 and 10 (given: %(value)s)."
        ) % {"value": score}
    capacity = values.get("capacity")
    if capacity is not None and capacity < 1:
        errors["capacity"] = _("A class takes at least one participant.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def class_save(
    *,
    by,
    training_class: TrainingClass | None = None,
    sessions: Iterable[dict[str, Any]] | None = None,
    **fields: Any,
) -> TrainingClass:
    """Plan a class (``training_class`` None) or change one, with optional new
    ``sessions`` (dicts of :data:`SESSION_FIELDS`), all or nothing.

    Refused: a user who may not plan classes of the organiser (before and after the
    change), a finished class, dates that leave a session outside them, a completion rule
    outside 0–100 % or a test score outside 0–10, a capacity below the places already
    given. A capacity raised moves the waiting list up.
    """
    _unknown(fields, CLASS_FIELDS)
    _check_rule(fields)
    if training_class is None:
        klass = TrainingClass(created_by=by if getattr(by, "pk", None) else None)
        action = "add"
        accepted = 0
    else:
        klass = locked_class(training_class)
        action = "change"
        if not scope_for(by, TrainingClass, "change").covers_object(klass):
            raise PermissionDenied(_("You may not change this class."))
        _check_not_finished(klass)
        accepted = klass.enrollments.filter(status=Enrollment.Status.ACCEPTED).count()
    old_capacity = klass.capacity
    organizer = fields.get("organizer", klass.organizer if klass.organizer_id else None)
    if not scope_for(by, TrainingClass, action).covers(organizer):
        raise PermissionDenied(_("You may only plan the classes your organisation organises."))
    with audit.tracking(
        klass,
        actor=by,
        action="trainingclass.create" if training_class is None else "trainingclass.update",
        organization=organizer,
    ):
        for name, value in fields.items():
            setattr(klass, name, value)
        if klass.capacity is not None and klass.capacity < accepted:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(count)d participants are already accepted: the capacity cannot be lower."
                    )
                    % {"count": accepted}
                }
            )
        klass.full_clean()
        if klass.pk:
            outside = klass.sessions.exclude(
                date__gte=klass.starts_on, date__lte=klass.ends_on
            ).first()
            if outside is not None:
                raise ValidationError(
                    {
                        "starts_on": _(
                            "The session of %(date)s would fall outside the class dates: "
                            "move or delete it first."
                        )
                        % {"date": outside.date.strftime("%d/%m/%Y")}
                    }
                )
        klass.save()
    for values in sessions or ():
        _session_write(klass, ClassSession(training_class=klass), values, by=by)
    if training_class is not None:
        for f in TrainingClass._meta.concrete_fields:
            setattr(training_class, f.attname, getattr(klass, f.attname))
        if old_capacity is not None and klass.capacity > old_capacity:
            fill_from_waitlist(klass, reason=_("The capacity of the class was raised."))
    return klass


def _session_write(klass: TrainingClass, session: ClassSession, values: dict, *, by):
    _unknown(values, SESSION_FIELDS)
    with audit.tracking(
        session,
        actor=by,
        action="classsession.update" if session.pk else "classsession.create",
        organization=klass.organizer_id,
    ):
        for name, value in values.items():
            setattr(session, name, value)
        session.training_class = klass
        session.full_clean()
        session.save()
    return session


def _require_run(by, klass: TrainingClass) -> None:
    if not scope_for(by, ClassSession, "change").covers_object(ClassSession(training_class=klass)):
        raise PermissionDenied(_("You may not change the sessions of this class."))


@transaction.atomic
def session_save(
    *, training_class: TrainingClass, by, session: ClassSession | None = None, **fields: Any
) -> ClassSession:
    """Add a session to a class or change one: date, time, venue or online link.

    A session outside the class dates, or ending before it starts, is refused with a
    clear message and nothing is written (the session's ``clean``).
    """
    klass = locked_class(training_class)
    _require_run(by, klass)
    _check_not_finished(klass)
    if session is None:
        row = ClassSession(training_class=klass)
    else:
        row = ClassSession.objects.select_for_update().get(pk=session.pk)
        if row.training_class_id != klass.pk:
            raise ValidationError(_("This session belongs to another class."))
    return _session_write(klass, row, fields, by=by)


@transaction.atomic
def session_delete(*, session: ClassSession, by) -> None:
    """Remove a session that nobody has attended yet (attendance is never thrown away)."""
    klass = locked_class(session.training_class)
    _require_run(by, klass)
    _check_not_finished(klass)
    row = ClassSession.objects.select_for_update().filter(pk=session.pk).first()
    if row is None:
        return
    if Attendance.objects.filter(session=row).exists():
        raise ValidationError(
            _("Attendance has been recorded for the session of %(date)s: it cannot be deleted.")
            % {"date": row.date.strftime("%d/%m/%Y")},
            code="has_attendance",
        )
    audit.record(
        actor=by,
        action="classsession.delete",
        obj=row,
        organization=klass.organizer_id,
        old=audit.snapshot(row, ["training_class_id", *SESSION_FIELDS]),
    )
    row.delete()


def participant_organization_users(klass: TrainingClass, statuses=ACTIVE_ENROLMENT) -> list:
    """The accounts to tell about a class's participants: the people of their
    organisations who nominate staff, and the participants' own accounts."""
    enrollments = klass.enrollments.filter(status__in=statuses)
    org_ids = set(enrollments.exclude(organization=None).values_list("organization_id", flat=True))
    # The accounts that nominate for those organisations (one definition, in places).
    users = [user for found in _nominators(org_ids).values() for user in found]
    from django.contrib.auth import get_user_model

    own = get_user_model().objects.filter(
        is_active=True,
        pk__in=enrollments.exclude(person__user=None).values("person__user"),
    )
    return [*users, *own]


def _tell_cancelled(klass: TrainingClass) -> None:
    notify(
        users=participant_organization_users(klass),
        title=translatable(gettext_lazy("The class “%(name)s” is cancelled"), name=klass.name),
        body=translatable(
            gettext_lazy(
                "The class %(name)s (%(start)s – %(end)s) will not take place. "
                "Your staff enrolled in it need do nothing."
            ),
            name=klass.name,
            start=klass.starts_on.strftime("%d/%m/%Y"),
            end=klass.ends_on.strftime("%d/%m/%Y"),
        ),
        url=reverse("training:class_detail", args=[klass.pk]),
    )


def class_move(*, training_class: TrainingClass, to: str, by, reason: str = "") -> TrainingClass:
    """Move a class along its workflow (planned → open → running → closed, or cancelled)
    through the transition mechanism. Cancelling tells the participants' organisations
    (and the participants) once the change is committed; closing computes completion."""
    hooks = [_tell_cancelled] if to == TrainingClass.Status.CANCELLED else []
    with transaction.atomic():
        moved = transition(training_class, to=to, by=by, reason=reason, on_commit=hooks)
        if to == TrainingClass.Status.CLOSED:
            # Closing decides who completed, by the class's rule, in the same transaction.
            from .attendance import completion_compute

            completion_compute(training_class=moved, by=by)
    return moved
