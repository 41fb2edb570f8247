"""Part 2's pieces of the practicum board: the facility's current students and their
hours, the school's evaluations and grades due, the student's evaluations due and
completion letter. Each is a few queries whatever the number of placements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from ctxh.documents.models import Document
from ctxh.documents.models import Kind as DocumentKind

from ..models import Evaluation, Grade, LogEntry, Placement, Rubric, SupervisionSession
from .evaluations import due_kinds
from .instructors import supervised_q
from .logbook import progress_for, week_start_of

#: A submitted entry waiting longer than this is overdue (the reminders' threshold).
ENTRY_OVERDUE_DAYS = 7
#: The final evaluations are due this many days before the round's end.
FINAL_NOTICE_DAYS = 3


def facility_progress(period, facility_ids) -> list[dict]:
    """The facilities' current students (accepted or in practice) in ``period``, each
    with the hours approved against the round's required hours and whether they are
    behind schedule (:class:`~ctxh.practicum.selectors.logbook.HoursProgress`)."""
    rows = list(
        Placement.objects.filter(
            period=period, facility_id__in=list(facility_ids), status__in=Placement.CURRENT
        )
        .select_related("student__round", "facility", "instructor__instructor__person")
        .order_by("facility__sort_key", "student__sort_key", "pk")[:200]
    )
    progress = progress_for(rows)
    result = []
    for p in rows:
        hours = progress[p.pk]
        result.append(
            {
                "placement": p,
                "approved": hours.approved,
                "required": hours.required,
                "percent": hours.percent_approved,
                "behind": hours.behind,
            }
        )
    return result


def school_behind(period, school_ids, *, limit: int = 50) -> dict:
    """The school's students of ``period`` in practice who are behind schedule (the hours
    approved or waiting below a steady pace), the furthest behind first: two queries."""
    rows = list(
        Placement.objects.filter(
            period=period, school_id__in=list(school_ids), status__in=Placement.CURRENT
        )
        .select_related("student__round", "facility")
        .order_by("student__sort_key", "pk")[:1000]
    )
    progress = progress_for(rows)
    behind = [{"placement": p, "progress": progress[p.pk]} for p in rows if progress[p.pk].behind]
    behind.sort(
        key=lambda r: r["progress"].approved + r["progress"].submitted - r["progress"].expected
    )
    return {"count": len(behind), "rows": behind[:limit], "current": len(rows)}


def _final_due(rnd, today: dt.date) -> bool:
    return today >= rnd.ends_on - dt.timedelta(days=FINAL_NOTICE_DAYS)


def instructor_practice(user, *, today: dt.date | None = None) -> dict | None:
    """The field instructor's week: their supervision sessions this week (Monday to
    Sunday) and the evaluations due on the placements they supervise (the mid-term once
    the round's mid-point is reached, the final from 3 days before its end). None for
    someone who supervises no one. Four queries whatever the number of students."""
    today = today or timezone.localdate()
    condition = supervised_q(user)
    if condition == Q(pk__in=[]):
        return None
    placements = list(
        Placement.objects.filter(condition, status=Placement.Status.IN_PRACTICE)
        .select_related("student__round")
        .order_by("student__round__ends_on", "student__sort_key", "pk")[:300]
    )
    monday = week_start_of(today)
    sessions = list(
        SupervisionSession.objects.filter(
            supervised_q(user, "placement__"),
            date__gte=monday,
            date__lte=monday + dt.timedelta(days=6),
        )
        .select_related("placement__student")
        .order_by("date", "pk")[:50]
    )
    if not placements:
        return {"sessions": sessions, "evaluations_due": [], "week_start": monday}
    midterm = dict(
        Rubric.objects.filter(
            active=True, school_id__in={p.school_id for p in placements}
        ).values_list("school_id", "midterm")
    )
    done: dict[int, set] = {}
    for placement_id, kind in Evaluation.objects.filter(
        placement_id__in=[p.pk for p in placements], kind__in=Evaluation.INSTRUCTOR_KINDS
    ).values_list("placement_id", "kind"):
        done.setdefault(placement_id, set()).add(kind)
    K = Evaluation.Kind
    due = []
    for p in placements:
        if p.school_id not in midterm:
            continue  # no rubric yet: nothing can be submitted
        rnd, kinds = p.student.round, done.get(p.pk, set())
        if _final_due(rnd, today):
            if K.INSTRUCTOR_FINAL not in kinds:
                due.append({"placement": p, "kind": K.INSTRUCTOR_FINAL, "by": rnd.ends_on})
        elif midterm[p.school_id] and K.INSTRUCTOR_MIDTERM not in kinds:
            middle = rnd.starts_on + dt.timedelta(days=(rnd.ends_on - rnd.starts_on).days // 2)
            if today >= middle:
                due.append({"placement": p, "kind": K.INSTRUCTOR_MIDTERM, "by": middle})
    for row in due:
        row["label"] = Evaluation.Kind(row["kind"]).label
        row["overdue"] = today > row["by"]
    return {"sessions": sessions, "evaluations_due": due, "week_start": monday}


def programme_practice(period, *, now: dt.datetime | None = None) -> dict:
    """The period's practice for the programme office: placements in practice, completed
    and interrupted; the hours approved against the hours required (placements in
    practice or completed); the overdue items — entries waiting for approval more than 7
    days, final evaluations missing after the round's end. Two queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    S = Placement.Status
    final = Evaluation.objects.filter(
        placement=OuterRef("pk"), kind=Evaluation.Kind.INSTRUCTOR_FINAL
    )
    counts = Placement.objects.filter(period=period).aggregate(
        in_practice=Count("pk", filter=Q(status=S.IN_PRACTICE)),
        accepted=Count("pk", filter=Q(status=S.ACCEPTED)),
        completed=Count("pk", filter=Q(status=S.COMPLETED)),
        interrupted=Count("pk", filter=Q(status=S.INTERRUPTED)),
        required=Sum(
            "student__round__required_hours",
            filter=Q(status__in=(S.ACCEPTED, S.IN_PRACTICE, S.COMPLETED)),
        ),
        evaluations_overdue=Count(
            "pk",
            filter=Q(status=S.IN_PRACTICE, student__round__ends_on__lt=today) & ~Q(Exists(final)),
        ),
    )
    hours = LogEntry.objects.filter(placement__period=period, current=True).aggregate(
        approved=Sum(
            "hours",
            filter=Q(
                status=LogEntry.Status.APPROVED,
                placement__status__in=(S.ACCEPTED, S.IN_PRACTICE, S.COMPLETED),
            ),
        ),
        waiting=Count(
            "pk",
            filter=Q(
                status=LogEntry.Status.SUBMITTED,
                submitted_at__lt=now - dt.timedelta(days=ENTRY_OVERDUE_DAYS),
            ),
        ),
    )
    required = counts.pop("required") or 0
    approved = hours["approved"] or Decimal(0)
    return {
        **counts,
        "required": required,
        "approved": approved,
        "percent": min(int(approved * 100 / required), 100) if required else 0,
        "entries_overdue": hours["waiting"] or 0,
        "entry_days": ENTRY_OVERDUE_DAYS,
    }


def school_due(period, school_ids) -> dict:
    """The school's placements in ``period`` whose final evaluation is not in (in
    practice), and the completed ones without a grade."""
    final = Evaluation.objects.filter(
        placement=OuterRef("pk"), kind=Evaluation.Kind.INSTRUCTOR_FINAL
    )
    base = Placement.objects.filter(period=period, school_id__in=list(school_ids))
    awaiting_final = base.filter(status=Placement.Status.IN_PRACTICE).filter(~Exists(final))
    to_grade = (
        base.filter(status=Placement.Status.COMPLETED)
        .filter(~Exists(Grade.objects.filter(placement=OuterRef("pk"))))
        .select_related("student", "facility")
        .order_by("completed_at", "pk")
    )
    return {"awaiting_final": awaiting_final.count(), "to_grade": list(to_grade[:50])}


def student_practice(user, placement: Placement | None) -> dict:
    """The student's evaluations due on ``placement`` and its completion letter."""
    if placement is None:
        return {"evaluations_due": [], "completion_letter": None}
    letter = None
    if placement.status == Placement.Status.COMPLETED:
        from django.contrib.contenttypes.models import ContentType

        letter = Document.objects.filter(
            source_type=ContentType.objects.get_for_model(Placement),
            source_id=placement.pk,
            kind=DocumentKind.COMPLETION,
            status=Document.Status.VALID,
        ).first()
    return {
        "evaluations_due": [(k, Evaluation.Kind(k).label) for k in due_kinds(user, placement)],
        "completion_letter": letter,
    }
