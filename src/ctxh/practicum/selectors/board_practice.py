"""Part 2's pieces of the practicum board: the facility's current students and their
hours, the school's evaluations and grades due, the student's evaluations due and
completion letter. Each is a few queries whatever the number of placements."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from ctxh.documents.models import Document
from ctxh.documents.models import Kind as DocumentKind

from ..models import Evaluation, Grade, Placement
from .evaluations import due_kinds
from .hours import approved_hours_by_placement


def facility_progress(period, facility_ids) -> list[dict]:
    """The facilities' current students (accepted or in practice) in ``period``, each
    with the hours approved against the round's required hours."""
    rows = list(
        Placement.objects.filter(
            period=period, facility_id__in=list(facility_ids), status__in=Placement.CURRENT
        )
        .select_related("student__round", "facility", "instructor__instructor__person")
        .order_by("facility__sort_key", "student__sort_key", "pk")[:200]
    )
    hours = approved_hours_by_placement(rows)
    result = []
    for p in rows:
        required = p.student.round.required_hours
        approved = hours.get(p.pk, 0)
        result.append(
            {
                "placement": p,
                "approved": approved,
                "required": required,
                "percent": min(int(approved * 100 / required), 100) if required else 0,
            }
        )
    return result


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
