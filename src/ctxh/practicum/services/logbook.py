"""The logbook (nhật ký thực tập): the student writes and submits entries; the field
instructor approves them or returns them with a comment, one by one, several at once or a
whole week of all their students (all or nothing).

Rules, each refused with a clear message and nothing written: at most 12 hours a day (the
student's current entries that day, the edited or corrected one excepted), at least half
an hour in half-hour steps, a date inside the round (``starts_on`` … ``ends_on``) and not
in the future, the logbook open only while the placement is in practice, an approved
entry never edited (a correction is a new version that must be approved again), no one
approving their own entry. Every status move follows ``LogEntry.TRANSITIONS``: one entry
through :func:`ctxh.core.transitions.transition`; many at once through
:func:`_approve_many`, which checks the same table and permission for each entry, then
writes one UPDATE and one audit event per entry in one insert (a week of 30 students must
take well under a second).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from ctxh.core import audit
from ctxh.core.notifications import notify, translatable
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import get_transition, transition

from ..models import MAX_HOURS_PER_DAY, PRACTICE_STATUSES, ActivityType, LogEntry, Placement
from ..selectors.instructors import instructor_users, supervised_q, supervises

__all__ = [
    "entries_approve",
    "entry_approve",
    "entry_correct",
    "entry_create",
    "entry_return",
    "entry_submit",
    "entry_update",
    "week_approve",
]

S = LogEntry.Status
HALF = Decimal("0.5")
DESCRIPTION_MAX = LogEntry._meta.get_field("description").max_length
COMMENT_MAX = LogEntry._meta.get_field("comment").max_length


def _url(placement_id: int) -> str:
    return reverse("practicum:logbook", args=[placement_id])


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


# --- checks -----------------------------------------------------------------------------


def _lock_placement(placement: Placement) -> Placement:
    """The placement row, locked (entries of one student are checked one at a time)."""
    locked = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("student", "student__round", "student__user")
        .get(pk=placement.pk)
    )
    return locked


def _check_writer(placement: Placement, by) -> None:
    if not scope_for(by, LogEntry, "add").covers_object(LogEntry(placement=placement)):
        raise PermissionDenied(_("Only the student writes their logbook."))
    if placement.status not in PRACTICE_STATUSES:
        raise ValidationError(
            _("The logbook is open only while the placement is in practice (it is “%(status)s”).")
            % {"status": placement.get_status_display()},
            code="closed",
        )


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).replace(",", ".").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("Enter the hours as a number, e.g. 3,5.")}) from None
    if not hours.is_finite() or hours <= 0:
        raise ValidationError({"hours": _("Hours must be more than zero.")})
    if hours % HALF != 0:
        raise ValidationError({"hours": _("Hours are counted in half hours (e.g. 2 or 2,5).")})
    if hours > MAX_HOURS_PER_DAY:
        raise ValidationError({"hours": _("At most 12 hours a day.")})
    return hours


def _check_values(
    placement: Placement,
    *,
    date: dt.date,
    hours,
    activity: str,
    description: str,
    today: dt.date,
    excluding: Sequence[int] = (),
) -> tuple[Decimal, str]:
    """Validate an entry's values for ``placement`` (locked); return (hours, description)."""
    errors: dict[str, list[str]] = {}
    try:
        hours = _hours(hours)
    except ValidationError as error:
        errors.update(error.message_dict)
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Describe what you did.")]
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            _("The description is too long (at most %(max)d characters).")
            % {"max": DESCRIPTION_MAX}
        ]
    if activity not in ActivityType.values:
        errors["activity"] = [_("Choose the type of activity.")]
    rnd = placement.student.round
    if not isinstance(date, dt.date):
        errors["date"] = [_("Enter the date.")]
    elif date > today:
        errors["date"] = [_("An entry cannot be dated in the future.")]
    elif date < rnd.starts_on or date > rnd.ends_on:
        errors["date"] = [
            _("The date must fall within the placement (%(start)s – %(end)s).")
            % {"start": _d(rnd.starts_on), "end": _d(rnd.ends_on)}
        ]
    if errors:
        raise ValidationError(errors)
    logged = LogEntry.objects.filter(
        placement__student=placement.student, date=date, current=True
    ).exclude(pk__in=list(excluding)).aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if logged + hours > MAX_HOURS_PER_DAY:
        raise ValidationError(
            {
                "hours": _(
                    "On %(date)s you already logged %(logged)s hours: with %(hours)s more it "
                    "would be %(total)s, and a day has at most 12 hours."
                )
                % {
                    "date": _d(date),
                    "logged": _num(logged),
                    "hours": _num(hours),
                    "total": _num(logged + hours),
                }
            },
            code="day_total",
        )
    return hours, description


def _num(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _tell_instructor(placement: Placement, count: int) -> None:
    notify(
        users=instructor_users(placement),
        title=translatable(
            ngettext_lazy(
                "%(student)s submitted %(count)d logbook entry to approve",
                "%(student)s submitted %(count)d logbook entries to approve",
                "count",
            ),
            student=placement.student.full_name,
            count=count,
        ),
        url=reverse("practicum:approvals"),
    )


# --- the student's writes ---------------------------------------------------------------


def entry_create(
    *,
    placement: Placement,
    date: dt.date,
    hours,
    activity: str,
    description: str,
    by,
    client_id: uuid.UUID | str | None = None,
    submit: bool = True,
    now: dt.datetime | None = None,
) -> tuple[LogEntry, bool]:
    """Write a logbook entry for ``placement`` (submitted, or a draft when not ``submit``);
    returns ``(entry, created)``. The same ``client_id`` sent again (a page re-sending
    after a dropped connection) returns the entry already written, ``created`` False."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if client_id:
        try:
            client_id = uuid.UUID(str(client_id))
        except ValueError:
            raise ValidationError(_("The page sent a malformed entry; reload it.")) from None
    with transaction.atomic():
        placement = _lock_placement(placement)
        _check_writer(placement, by)
        if client_id:
            existing = LogEntry.objects.filter(placement=placement, client_id=client_id).first()
            if existing is not None:
                return existing, False
        hours, description = _check_values(
            placement,
            date=date,
            hours=hours,
            activity=activity,
            description=description,
            today=today,
        )
        entry = LogEntry(
            placement=placement,
            client_id=client_id or uuid.uuid4(),
            date=date,
            hours=hours,
            activity=activity,
            description=description,
            status=S.SUBMITTED if submit else S.DRAFT,
            submitted_at=now if submit else None,
        )
        entry.full_clean(exclude=["placement"])
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:  # the same entry re-sent at the same moment
            existing = LogEntry.objects.filter(placement=placement, client_id=client_id).first()
            if existing is None:
                raise
            return existing, False
        audit.record(
            actor=by,
            action="logentry.create",
            obj=entry,
            organization=placement.facility_id,
            new=audit.snapshot(entry, ["date", "hours", "activity", "status"]),
        )
        if submit:
            transaction.on_commit(lambda: _tell_instructor(placement, 1))
    return entry, True


def _editable(entry: LogEntry, by) -> tuple[LogEntry, Placement]:
    placement = _lock_placement(entry.placement)
    _check_writer(placement, by)
    locked = LogEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
    if locked.placement_id != placement.pk:
        raise PermissionDenied
    if locked.locked:
        raise ValidationError(
            _(
                "This entry is approved and locked. To change it, make a correction: it "
                "will be approved again."
            )
            if locked.current
            else _("This entry was replaced by a correction; edit the latest version."),
            code="locked",
        )
    return locked, placement


def entry_update(
    *,
    entry: LogEntry,
    date: dt.date,
    hours,
    activity: str,
    description: str,
    by,
    submit: bool = False,
    now: dt.datetime | None = None,
) -> LogEntry:
    """Change an entry not yet approved (draft, submitted or returned); with ``submit`` a
    draft or a returned entry is submitted (again). An approved entry is refused: see
    :func:`entry_correct`."""
    now = now or timezone.now()
    with transaction.atomic():
        locked, placement = _editable(entry, by)
        hours, description = _check_values(
            placement,
            date=date,
            hours=hours,
            activity=activity,
            description=description,
            today=timezone.localdate(now),
            excluding=[locked.pk],
        )
        with audit.tracking(
            locked,
            actor=by,
            action="logentry.update",
            organization=placement.facility_id,
            fields=["date", "hours", "activity", "description"],
        ):
            locked.date, locked.hours = date, hours
            locked.activity, locked.description = activity, description
            locked.full_clean(exclude=["placement"])
            locked.save(update_fields=["date", "hours", "activity", "description"])
        if submit and locked.status in (S.DRAFT, S.RETURNED):
            _submit(locked, placement, by, now)
    _copy(locked, entry)
    return entry


def _submit(locked: LogEntry, placement: Placement, by, now) -> None:
    transition(locked, to=S.SUBMITTED, by=by, extra_updates={"submitted_at": now})
    transaction.on_commit(lambda: _tell_instructor(placement, 1))


def entry_submit(*, entry: LogEntry, by, now: dt.datetime | None = None) -> LogEntry:
    """Submit a draft, or a returned entry again, for the instructor's approval."""
    now = now or timezone.now()
    with transaction.atomic():
        locked, placement = _editable(entry, by)
        if locked.status == S.SUBMITTED:
            raise ValidationError(_("This entry is already waiting for approval."))
        _submit(locked, placement, by, now)
    _copy(locked, entry)
    return entry


def entry_correct(
    *,
    entry: LogEntry,
    date: dt.date,
    hours,
    activity: str,
    description: str,
    by,
    now: dt.datetime | None = None,
) -> LogEntry:
    """Correct an approved entry: a new version (``supersedes`` it) is submitted for
    approval and becomes the one that counts; the approved one is kept, read-only."""
    now = now or timezone.now()
    with transaction.atomic():
        placement = _lock_placement(entry.placement)
        _check_writer(placement, by)
        old = LogEntry.objects.select_for_update(of=("self",)).get(pk=entry.pk)
        if old.placement_id != placement.pk:
            raise PermissionDenied
        if not old.current:
            raise ValidationError(
                _("This entry was already corrected; correct the latest version.")
            )
        if old.status != S.APPROVED:
            raise ValidationError(
                _("Only an approved entry needs a correction; edit this one instead.")
            )
        hours, description = _check_values(
            placement,
            date=date,
            hours=hours,
            activity=activity,
            description=description,
            today=timezone.localdate(now),
            excluding=[old.pk],
        )
        LogEntry.objects.filter(pk=old.pk).update(current=False)
        new = LogEntry(
            placement=placement,
            date=date,
            hours=hours,
            activity=activity,
            description=description,
            status=S.SUBMITTED,
            submitted_at=now,
            version=old.version + 1,
            supersedes=old,
        )
        new.full_clean(exclude=["placement", "supersedes"])
        new.save()
        audit.record(
            actor=by,
            action="logentry.correct",
            obj=new,
            organization=placement.facility_id,
            old=audit.snapshot(old, ["date", "hours", "activity", "version"]),
            new=audit.snapshot(new, ["date", "hours", "activity", "version"]),
        )
        transaction.on_commit(lambda: _tell_instructor(placement, 1))
    return new


def _copy(source: LogEntry, target: LogEntry) -> None:
    if source is not target:
        for f in LogEntry._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))


# --- the instructor's decisions ---------------------------------------------------------


def _check_decider(entry: LogEntry, by) -> None:
    placement = entry.placement
    if getattr(by, "pk", None) and placement.student.user_id == by.pk:
        raise ValidationError(_("You cannot approve or return your own logbook."), code="own")
    if not supervises(by, placement):
        raise PermissionDenied(_("Only the student's field instructor approves their logbook."))
    if not entry.current:
        raise ValidationError(
            _("The entry of %(date)s was replaced by a correction.") % {"date": _d(entry.date)}
        )
    if entry.status != S.SUBMITTED:
        raise ValidationError(
            _("The entry of %(date)s is “%(status)s”, not waiting for approval.")
            % {"date": _d(entry.date), "status": entry.get_status_display()},
            code="status",
        )


def entry_approve(*, entry: LogEntry, by, now: dt.datetime | None = None) -> LogEntry:
    """Approve one submitted entry (it is locked from then on)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            LogEntry.objects.select_for_update(of=("self",))
            .select_related("placement__student", "placement__instructor")
            .get(pk=entry.pk)
        )
        _check_decider(locked, by)
        transition(
            locked,
            to=S.APPROVED,
            by=by,
            extra_updates={"decided_at": now, "decided_by": by, "comment": ""},
        )
    _copy(locked, entry)
    return entry


def entry_return(*, entry: LogEntry, comment: str, by, now: dt.datetime | None = None) -> LogEntry:
    """Return a submitted entry to the student with a comment (required)."""
    now = now or timezone.now()
    comment = " ".join((comment or "").split())
    if not comment:
        raise ValidationError({"comment": _("Say what the student should change.")})
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {
                "comment": _("The comment is too long (at most %(max)d characters).")
                % {"max": COMMENT_MAX}
            }
        )
    with transaction.atomic():
        locked = (
            LogEntry.objects.select_for_update(of=("self",))
            .select_related("placement__student__user", "placement__instructor")
            .get(pk=entry.pk)
        )
        _check_decider(locked, by)
        transition(
            locked,
            to=S.RETURNED,
            by=by,
            reason=comment,
            extra_updates={"decided_at": now, "decided_by": by, "comment": comment},
        )
        placement = locked.placement
        transaction.on_commit(
            lambda: notify(
                users=[placement.student.user],
                title=translatable(
                    gettext_lazy("Your logbook entry of %(date)s was returned"),
                    date=_d(locked.date),
                ),
                body=comment,
                url=_url(placement.pk),
            )
        )
    _copy(locked, entry)
    return entry


def _approve_many(rows: list[LogEntry], by, now: dt.datetime) -> int:
    """Approve ``rows`` (locked, with their placements): every entry is checked against
    the transition table, the permission and the rules first; any problem refuses them
    all. Then one UPDATE and one audit event per entry (one insert)."""
    errors, allowed = [], {}
    for row in rows:
        placement = row.placement
        try:
            if placement.pk not in allowed:
                allowed[placement.pk] = True
                _check_decider(row, by)
            else:
                _check_decider_status(row)
            if get_transition(LogEntry, row.status, S.APPROVED) is None:
                raise ValidationError(_("This entry cannot be approved."))
        except ValidationError as error:
            errors.extend(
                _("%(student)s: %(problem)s")
                % {"student": placement.student.full_name, "problem": message}
                for message in error.messages
            )
    if errors:
        raise ValidationError(errors)
    move = get_transition(LogEntry, S.SUBMITTED, S.APPROVED)
    ids = [row.pk for row in rows]
    updated = LogEntry.objects.filter(pk__in=ids, status=S.SUBMITTED, current=True).update(
        status=S.APPROVED, decided_at=now, decided_by=by, comment=""
    )
    if updated != len(ids):  # changed meanwhile (the rows are locked: should not happen)
        raise ValidationError(_("Some entries changed meanwhile. Reload the page and try again."))
    audit.record_many(
        actor=by,
        events=[
            {
                "action": f"logentry.{move.action}",
                "obj": row,
                "organization": row.placement.facility_id,
                "old": {"status": S.SUBMITTED.value},
                "new": {"status": S.APPROVED.value, "decided_at": now},
            }
            for row in rows
        ],
    )
    return updated


def _check_decider_status(entry: LogEntry) -> None:
    if not entry.current or entry.status != S.SUBMITTED:
        raise ValidationError(
            _("The entry of %(date)s is “%(status)s”, not waiting for approval.")
            % {"date": _d(entry.date), "status": entry.get_status_display()},
            code="status",
        )


def _locked_rows(ids: list[int]) -> list[LogEntry]:
    return list(
        LogEntry.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("placement__student", "placement__instructor")
        .order_by("pk")
    )


def entries_approve(*, entries: Sequence[LogEntry], by, now: dt.datetime | None = None) -> int:
    """Approve several submitted entries at once, all or nothing: if one cannot be
    approved (not submitted, not the user's student, their own), nothing is written and
    the message names each problem. Returns how many were approved."""
    now = now or timezone.now()
    ids = sorted({getattr(e, "pk", e) for e in entries})
    if not ids:
        raise ValidationError(_("Select at least one entry."))
    with transaction.atomic():
        rows = _locked_rows(ids)
        if len(rows) != len(ids):
            raise ValidationError(_("An entry no longer exists; reload the page."))
        return _approve_many(rows, by, now)


def week_approve(
    *, instructor_user, week_start: dt.date, by, now: dt.datetime | None = None
) -> int:
    """Approve every submitted entry dated in the ISO week starting ``week_start`` (a
    Monday) of all the students ``instructor_user`` supervises, all or nothing. Returns how
    many were approved."""
    now = now or timezone.now()
    if week_start.weekday() != 0:
        raise ValidationError(_("A week starts on a Monday."))
    if by is not instructor_user and getattr(by, "pk", None) != instructor_user.pk:
        raise PermissionDenied(_("Only the field instructor approves their students' weeks."))
    with transaction.atomic():
        ids = list(
            LogEntry.objects.filter(
                supervised_q(instructor_user, "placement__"),
                status=S.SUBMITTED,
                current=True,
                date__gte=week_start,
                date__lte=week_start + dt.timedelta(days=6),
            ).values_list("pk", flat=True)
        )
        if not ids:
            raise ValidationError(
                _("No entry of the week of %(week)s is waiting for your approval.")
                % {"week": _d(week_start)}
            )
        rows = _locked_rows(ids)
        return _approve_many(rows, by, now)
