"""The practicum's periodic reminders, each sent once per window.

* :func:`remind_overdue` — facilities with proposals undecided longer than their period's
  reminder days (also the programme office's "remind now" button on the overdue list);
* :func:`remind_unapproved_entries` — logbook entries waiting more than 7 days for the
  instructor's approval (once per entry and week of waiting);
* :func:`remind_evaluations_due` — the instructor's mid-term evaluation once the round's
  mid-point is reached, the instructor's final and the student's two evaluations from 3
  days before the round's end ("deadline in 3 days"), and once more when overdue;
* :func:`remind_silent_placements` — placements in practice with no logbook entry for 10
  days (the student and the instructor, once per 10 days of silence).

All run from ``ctxh remind`` (:mod:`ctxh.core.reminders`, registered in the app's
``ready()``), with the start of the placements whose round has begun
(:func:`~ctxh.practicum.services.completion.placements_start_due`). The windows are
recorded with :func:`ctxh.core.reminders.claim` (proposals: ``Placement.reminded_at``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from ctxh.core import audit
from ctxh.core.notifications import notify, translatable
from ctxh.core.reminders import claim
from ctxh.core.roles import Role
from ctxh.core.scoping import SYSTEM, scope_for

from ..models import Evaluation, LogEntry, Placement, PlacementPeriod, Rubric
from ..selectors.decisions import overdue_before
from ..selectors.instructors import instructor_users

__all__ = [
    "ENTRY_WAIT_DAYS",
    "EVALUATION_NOTICE_DAYS",
    "SILENCE_DAYS",
    "evaluation_deadlines",
    "remind_evaluations_due",
    "remind_overdue",
    "remind_silent_placements",
    "remind_unapproved_entries",
]

#: A submitted entry waiting this long is reminded to the instructor (then each week).
ENTRY_WAIT_DAYS = 7
#: The final evaluations are announced this many days before the round's end.
EVALUATION_NOTICE_DAYS = 3
#: A placement in practice with no entry for this many days is reminded.
SILENCE_DAYS = 10


def remind_overdue(
    *,
    period: PlacementPeriod | None = None,
    facility=None,
    force: bool = False,
    now: dt.datetime | None = None,
    by=SYSTEM,
) -> int:
    """Remind each facility that has proposals older than the period's reminder days:
    its managers get one notification (and e-mail), the proposals are marked reminded,
    one audit event per facility. A facility reminded within the last reminder days is
    left alone (``force``: the programme office's explicit "remind now"). Every period at
    the acceptance stage when ``period`` is None; one facility when given. Returns how many
    facilities were reminded."""
    now = now or timezone.now()
    periods = (
        [period]
        if period is not None
        else list(PlacementPeriod.objects.filter(status=PlacementPeriod.Status.ACCEPTANCE))
    )
    reminded = 0
    for p in periods:
        if by is not SYSTEM and not scope_for(by, PlacementPeriod, "manage").covers(p.organizer_id):
            raise PermissionDenied(_("You may not remind facilities in this period."))
        reminded += _remind_period(p, facility=facility, force=force, now=now, by=by)
    return reminded


def _remind_period(period, *, facility, force, now, by) -> int:
    if period.status != PlacementPeriod.Status.ACCEPTANCE:
        return 0
    overdue = Placement.objects.filter(
        period=period,
        status=Placement.Status.PROPOSED,
        proposed_at__lte=overdue_before(period, now),
    )
    if facility is not None:
        overdue = overdue.filter(facility_id=getattr(facility, "pk", facility))
    by_facility: dict[int, list[int]] = defaultdict(list)
    for pk, facility_id in overdue.values_list("pk", "facility_id").order_by("pk"):
        by_facility[facility_id].append(pk)
    if not force and by_facility:
        recent = set(
            Placement.objects.filter(
                period=period,
                facility_id__in=list(by_facility),
                reminded_at__gt=now - dt.timedelta(days=period.reminder_days),
            )
            .values_list("facility_id", flat=True)
            .distinct()
        )
        by_facility = {f: ids for f, ids in by_facility.items() if f not in recent}
    if not by_facility:
        return 0
    from ctxh.accounts.models import Membership

    managers = defaultdict(list)
    for m in Membership.objects.filter(
        organization_id__in=list(by_facility),
        role=Role.FACILITY_MANAGER,
        active=True,
        user__is_active=True,
    ).select_related("user"):
        managers[m.organization_id].append(m.user)
    with transaction.atomic():
        Placement.objects.filter(pk__in=[pk for ids in by_facility.values() for pk in ids]).update(
            reminded_at=now
        )
        for facility_id, ids in by_facility.items():
            audit.record(
                actor=by,
                action="placementperiod.remind",
                obj=period,
                organization=facility_id,
                new={
                    "facility": facility_id,
                    "placements": len(ids),
                    "recipients": len(managers[facility_id]),
                },
            )

        proposals = reverse("practicum:proposals")

        def tell():
            for facility_id, ids in by_facility.items():
                notify(
                    users=managers[facility_id],
                    title=translatable(
                        ngettext_lazy(
                            "%(count)d student is waiting for your decision",
                            "%(count)d students are waiting for your decision",
                            "count",
                        ),
                        count=len(ids),
                    ),
                    body=translatable(
                        gettext_lazy(
                            "%(period)s: please accept or decline them before %(deadline)s."
                        ),
                        period=period.name,
                        deadline=timezone.localtime(period.acceptance_deadline).strftime(
                            "%d/%m/%Y %H:%M"
                        ),
                    ),
                    url=f"{proposals}?period={period.pk}&facility={facility_id}",
                )

        transaction.on_commit(tell)
    return len(by_facility)


# --- part 2: in practice ------------------------------------------------------------------


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


class _Instructors:
    """The accounts of placements' field instructors, looked up once per instructor."""

    def __init__(self):
        self._cache: dict[int, list] = {}

    def __call__(self, placement: Placement) -> list:
        if not placement.instructor_id:
            return []
        if placement.instructor_id not in self._cache:
            self._cache[placement.instructor_id] = instructor_users(placement)
        return self._cache[placement.instructor_id]


def _practice_placements():
    return Placement.objects.select_related(
        "student__round",
        "student__user",
        "instructor__instructor__user",
        "instructor__instructor__person",
    )


def remind_unapproved_entries(*, now: dt.datetime | None = None) -> int:
    """Remind each field instructor of their students' entries submitted more than
    ``ENTRY_WAIT_DAYS`` days ago and still waiting: one notification per instructor
    listing how many, each entry reminded once per week of waiting. Returns how many
    instructors were reminded."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=ENTRY_WAIT_DAYS)
    rows = list(
        LogEntry.objects.filter(
            status=LogEntry.Status.SUBMITTED,
            current=True,
            submitted_at__lte=cutoff,
            placement__status__in=Placement.CURRENT,
        )
        .values_list("pk", "placement_id", "submitted_at")
        .order_by("pk")
    )
    if not rows:
        return 0
    windows = {pk: str((now - submitted).days // ENTRY_WAIT_DAYS) for pk, _p, submitted in rows}
    fresh = {int(pk) for pk, _w in claim("practicum.entry_unapproved", windows.items(), now=now)}
    per_placement: dict[int, int] = defaultdict(int)
    for pk, placement_id, _submitted in rows:
        if pk in fresh:
            per_placement[placement_id] += 1
    if not per_placement:
        return 0
    users_of = _Instructors()
    per_user: dict[int, list] = {}
    for placement in _practice_placements().filter(pk__in=list(per_placement)).order_by("pk"):
        for user in users_of(placement):
            entry = per_user.setdefault(user.pk, [user, 0, set()])
            entry[1] += per_placement[placement.pk]
            entry[2].add(placement.student.full_name)
    approvals = reverse("practicum:approvals")

    def tell():
        for user, count, students in per_user.values():
            notify(
                users=[user],
                title=translatable(
                    ngettext_lazy(
                        "%(count)d logbook entry has waited more than %(days)d days for your "
                        "approval",
                        "%(count)d logbook entries have waited more than %(days)d days for your "
                        "approval",
                        "count",
                    ),
                    count=count,
                    days=ENTRY_WAIT_DAYS,
                ),
                body=", ".join(sorted(students)),
                url=approvals,
            )

    transaction.on_commit(tell)
    return len(per_user)


def evaluation_deadlines(rnd) -> tuple[dt.date, dt.date]:
    """When a round's evaluations fall due: the mid-term at the round's mid-point, the
    final ones ``EVALUATION_NOTICE_DAYS`` days before its end (the notice)."""
    midpoint = rnd.starts_on + dt.timedelta(days=(rnd.ends_on - rnd.starts_on).days // 2)
    return midpoint, rnd.ends_on - dt.timedelta(days=EVALUATION_NOTICE_DAYS)


def _final_window(rnd, today: dt.date) -> str | None:
    if today > rnd.ends_on:
        return "overdue"
    if today >= rnd.ends_on - dt.timedelta(days=EVALUATION_NOTICE_DAYS):
        return "soon"
    return None


def remind_evaluations_due(*, now: dt.datetime | None = None) -> int:
    """Remind of the evaluations due on the placements in practice (and the student's,
    on placements completed within the last two weeks of their round): the field
    instructor's mid-term once the round's mid-point is reached (when the school's rubric
    has one); the instructor's final and the student's evaluations of the site and the
    instructor from ``EVALUATION_NOTICE_DAYS`` days before the round's end ("deadline in 3
    days"), and once more after the end if still missing. Returns how many notifications
    were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    placements = list(
        _practice_placements()
        .filter(
            status__in=(Placement.Status.IN_PRACTICE, Placement.Status.COMPLETED),
            student__round__ends_on__gte=today - dt.timedelta(days=14),
            student__round__starts_on__lte=today,
        )
        .order_by("pk")
    )
    if not placements:
        return 0
    rubrics = {
        r.school_id: r
        for r in Rubric.objects.filter(active=True, school_id__in={p.school_id for p in placements})
    }
    submitted: dict[int, set] = defaultdict(set)
    for placement_id, kind in Evaluation.objects.filter(
        placement_id__in=[p.pk for p in placements]
    ).values_list("placement_id", "kind"):
        submitted[placement_id].add(kind)
    K = Evaluation.Kind
    due = []  # (placement, side, kinds, window)
    for p in placements:
        rubric = rubrics.get(p.school_id)
        if rubric is None:
            continue
        rnd, done = p.student.round, submitted[p.pk]
        midpoint, _notice = evaluation_deadlines(rnd)
        window = _final_window(rnd, today)
        if p.status == Placement.Status.IN_PRACTICE:
            if (
                rubric.midterm
                and today >= midpoint
                and window is None
                and K.INSTRUCTOR_MIDTERM not in done
            ):
                due.append((p, "instructor", [K.INSTRUCTOR_MIDTERM], "midterm"))
            if window and K.INSTRUCTOR_FINAL not in done:
                due.append((p, "instructor", [K.INSTRUCTOR_FINAL], window))
        student_kinds = [k for k in Evaluation.STUDENT_KINDS if k not in done]
        if window and student_kinds:
            due.append((p, "student", student_kinds, window))
    fresh = claim(
        "practicum.evaluation_due",
        [(f"{p.pk}:{side}", window) for p, side, _k, window in due],
        now=now,
    )
    due = [row for row in due if (f"{row[0].pk}:{row[1]}", row[3]) in fresh]
    if not due:
        return 0
    users_of = _Instructors()
    messages = []
    for p, side, kinds, window in due:
        users = users_of(p) if side == "instructor" else [p.student.user]
        messages.append((users, *_evaluation_message(p, side, kinds, window)))

    def tell():
        for users, title, body, url in messages:
            notify(users=users, title=title, body=body, url=url)

    transaction.on_commit(tell)
    return len(messages)


def _evaluation_message(placement: Placement, side: str, kinds: list, window: str):
    rnd = placement.student.round
    names = ", ".join(str(Evaluation.Kind(k).label) for k in kinds)
    if window == "midterm":
        title = translatable(
            gettext_lazy("Mid-term evaluation due for %(student)s"),
            student=placement.student.full_name,
        )
    elif window == "soon":
        title = (
            translatable(
                gettext_lazy("Deadline in %(days)d days: final evaluation of %(student)s"),
                days=EVALUATION_NOTICE_DAYS,
                student=placement.student.full_name,
            )
            if side == "instructor"
            else translatable(
                gettext_lazy("Deadline in %(days)d days: your evaluations of the practice"),
                days=EVALUATION_NOTICE_DAYS,
            )
        )
    else:
        title = (
            translatable(
                gettext_lazy("Overdue: final evaluation of %(student)s"),
                student=placement.student.full_name,
            )
            if side == "instructor"
            else gettext_lazy("Overdue: your evaluations of the practice")
        )
    body = translatable(
        gettext_lazy("%(evaluations)s — the placement ends on %(end)s."),
        evaluations=names,
        end=_d(rnd.ends_on),
    )
    return title, body, reverse("practicum:evaluations", args=[placement.pk])


def remind_silent_placements(*, now: dt.datetime | None = None) -> int:
    """Remind the student and the field instructor of each placement in practice with no
    logbook entry dated in the last ``SILENCE_DAYS`` days (counted from the start of the
    practice when there is none yet), while the round runs; once per ``SILENCE_DAYS``
    days of silence. Returns how many placements were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = list(
        _practice_placements()
        .filter(status=Placement.Status.IN_PRACTICE, student__round__ends_on__gte=today)
        .annotate(last_entry=Max("log__date"))
        .order_by("pk")
    )
    silent = []
    for p in rows:
        started = timezone.localdate(p.started_at) if p.started_at else p.student.round.starts_on
        anchor = max(d for d in (p.last_entry, started, p.student.round.starts_on) if d)
        days = (today - anchor).days
        if days >= SILENCE_DAYS:
            silent.append((p, anchor, days))
    fresh = claim(
        "practicum.placement_silent",
        [(p.pk, f"{anchor.isoformat()}/{days // SILENCE_DAYS}") for p, anchor, days in silent],
        now=now,
    )
    silent = [
        row
        for row in silent
        if (str(row[0].pk), f"{row[1].isoformat()}/{row[2] // SILENCE_DAYS}") in fresh
    ]
    if not silent:
        return 0
    users_of = _Instructors()
    messages = [(p, days, [p.student.user], users_of(p)) for p, _anchor, days in silent]

    def tell():
        for p, days, students, instructors in messages:
            url = reverse("practicum:logbook", args=[p.pk])
            notify(
                users=students,
                title=translatable(
                    gettext_lazy("Your logbook has no entry for %(days)d days"), days=days
                ),
                body=gettext_lazy("Log your practice days so that your hours can be approved."),
                url=url,
            )
            notify(
                users=instructors,
                title=translatable(
                    gettext_lazy("%(student)s has logged nothing for %(days)d days"),
                    student=p.student.full_name,
                    days=days,
                ),
                url=url,
            )

    transaction.on_commit(tell)
    return len(messages)


def register_reminders() -> None:
    """Add the practicum's reminders to ``ctxh remind`` (from the app's ``ready()``)."""
    from ctxh.core import reminders

    from .completion import placements_start_due

    reminders.register(
        "practicum.start_due",
        lambda *, now: placements_start_due(today=timezone.localdate(now)),
    )
    reminders.register("practicum.overdue_proposals", lambda *, now: remind_overdue(now=now))
    reminders.register("practicum.entries_unapproved", remind_unapproved_entries)
    reminders.register("practicum.evaluations_due", remind_evaluations_due)
    reminders.register("practicum.silent_placements", remind_silent_placements)
