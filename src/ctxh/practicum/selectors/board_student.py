"""The student's part of the practicum board (``/practicum/``)."""

from __future__ import annotations

from django.utils import timezone

from ..models import PRACTICE_STATUSES, Placement, Preference
from . import board_practice
from .logbook import hours_progress
from .offers import student_in_period, student_offer_choices


def context(request, period) -> dict | None:
    """What the student's section of the board shows for ``period`` (None: not shown):
    the deadline, how many published offers they may rank, their ranking, their placement
    (the instructor once accepted) and its letters."""
    student = student_in_period(request.user, period)
    if student is None:
        return None
    choices = student_offer_choices(student)
    ranking = list(
        Preference.objects.filter(student=student)
        .select_related("offer__facility")
        .order_by("rank")
    )
    placement = (
        Placement.objects.filter(student=student)
        .select_related("facility", "offer", "instructor__instructor__person", "student__round")
        .order_by("-proposed_at", "-pk")
        .first()
    )
    now = timezone.now()
    # In practice: the hours against the round's requirement, and the returned entries.
    progress = (
        hours_progress(placement)
        if placement is not None and placement.status in (*PRACTICE_STATUSES, "completed")
        else None
    )
    return {
        "progress": progress,
        "in_practice": placement is not None and placement.status in PRACTICE_STATUSES,
        "student": student,
        "deadline": period.preference_deadline,
        "open": period.status == period.Status.PREFERENCES and now < period.preference_deadline,
        "eligible_count": sum(1 for c in choices if c.eligible and c.offer.status == "published"),
        "ranking": ranking,
        "max_choices": period.max_choices,
        "placement": placement,
        "practice": board_practice.student_practice(request.user, placement),
        "hosted": placement is not None and placement.status in Placement.HOSTED,
        "instructor": (
            placement.instructor
            if placement is not None and placement.status in Placement.HOSTED
            else None
        ),
    }
