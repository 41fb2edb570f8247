"""Evaluations as each user may see them, and what is due.

Blindness: the field instructor's final evaluation and the student's evaluations (of the
site and of the instructor) reach the other side only once both sides have submitted —
the instructor their final, the student both of theirs. Each side always sees its own;
the school's coordinator and the programme office see every submitted evaluation; the
mid-term evaluation is formative and shows to the student at once.
"""

from __future__ import annotations

from ..models import Evaluation, Placement, Rubric
from .placement_roles import FACILITY, INSTRUCTOR, OFFICE, SCHOOL, STUDENT, roles_on

K = Evaluation.Kind

#: What the instructor's side writes and what the student's side writes.
FACILITY_SIDE = frozenset(Evaluation.INSTRUCTOR_KINDS)
STUDENT_SIDE = frozenset(Evaluation.STUDENT_KINDS)
#: Hidden from the other side until both have submitted.
BLIND = frozenset({K.INSTRUCTOR_FINAL, *Evaluation.STUDENT_KINDS})


def active_rubric(school) -> Rubric | None:
    """The school's rubric in use (None: it has not set one up)."""
    return Rubric.objects.filter(school=school, active=True).first()


def both_submitted(kinds) -> bool:
    """Whether both sides are in: the instructor's final and the student's two."""
    return {K.INSTRUCTOR_FINAL, *Evaluation.STUDENT_KINDS} <= set(kinds)


def visible_evaluations(user, placement: Placement) -> list[Evaluation]:
    """The evaluations of ``placement`` that ``user`` may read, in submission order."""
    roles = roles_on(user, placement)
    if not roles:
        return []
    rows = list(
        Evaluation.objects.filter(placement=placement)
        .select_related("rubric", "submitted_by")
        .order_by("submitted_at", "pk")
    )
    if roles & {SCHOOL, OFFICE}:
        return rows
    unblind = both_submitted(e.kind for e in rows)
    own = set()
    if STUDENT in roles:
        own |= STUDENT_SIDE
    if roles & {INSTRUCTOR, FACILITY}:
        own |= FACILITY_SIDE
    seen = []
    for e in rows:
        if e.kind in own or unblind or e.kind == K.INSTRUCTOR_MIDTERM and STUDENT in roles:
            seen.append(e)
    return seen


def may_submit(user, placement: Placement, kind: str) -> bool:
    """Whether ``kind`` is ``user``'s to submit on ``placement`` (the role part only)."""
    roles = roles_on(user, placement)
    if kind in FACILITY_SIDE:
        return INSTRUCTOR in roles
    if kind in STUDENT_SIDE:
        return STUDENT in roles
    return False


def due_kinds(user, placement: Placement, submitted=None, rubric: Rubric | None = None) -> list:
    """The kinds ``user`` may still submit on ``placement`` (empty: nothing due)."""
    if placement.status not in (Placement.Status.IN_PRACTICE, Placement.Status.COMPLETED):
        return []
    if submitted is None:
        submitted = set(
            Evaluation.objects.filter(placement=placement).values_list("kind", flat=True)
        )
    rubric = rubric if rubric is not None else active_rubric(placement.school_id)
    if rubric is None:
        return []
    kinds = [k for k in K.values if k not in submitted and may_submit(user, placement, k)]
    if not rubric.midterm:
        kinds = [k for k in kinds if k != K.INSTRUCTOR_MIDTERM]
    return kinds
