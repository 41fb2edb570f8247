"""Supervision sessions as each user may see them.

A session is listed on every placement that took part (the one it was recorded from and
the group's). Its date, length and kind show to whoever sees the placement; its topics
and notes only to the placement's field instructor, its student(s) and the school's
coordinator — never to other students, other facilities, or the facility's manager
unless they are the instructor.
"""

from __future__ import annotations

from django.db.models import Q

from ..models import Placement, SupervisionSession
from .placement_roles import INSTRUCTOR, SCHOOL, STUDENT, roles_on

#: The positions on a placement that read the sessions' topics and notes.
NOTE_READERS = frozenset({INSTRUCTOR, STUDENT, SCHOOL})


def sessions_for(placement: Placement):
    """The sessions ``placement`` took part in, newest first."""
    return (
        SupervisionSession.objects.filter(Q(placement=placement) | Q(group=placement))
        .distinct()
        .select_related("recorded_by", "instructor__instructor__person")
        .order_by("-date", "-id")
    )


def may_read_notes(user, placement: Placement) -> bool:
    """Whether ``user`` reads the topics and notes of ``placement``'s sessions."""
    return bool(roles_on(user, placement) & NOTE_READERS)


def may_record(user, placement: Placement, kind: str) -> bool:
    """Whether ``user`` records a session of ``kind`` for ``placement``: the placement's
    field instructor records supervision, the school's coordinator liaison visits."""
    roles = roles_on(user, placement)
    if kind == SupervisionSession.Kind.SUPERVISION:
        return INSTRUCTOR in roles
    return SCHOOL in roles


def recordable_kinds(user, placement: Placement) -> list[str]:
    """The kinds of session ``user`` may record for ``placement`` (empty: none)."""
    return [k for k in SupervisionSession.Kind.values if may_record(user, placement, k)]


def group_choices(placement: Placement):
    """The other current placements of the same field instructor in the period: who may
    join a group session."""
    if not placement.instructor_id:
        return Placement.objects.none()
    return (
        Placement.objects.filter(
            instructor_id=placement.instructor_id,
            status__in=(*Placement.CURRENT, Placement.Status.COMPLETED),
        )
        .exclude(pk=placement.pk)
        .select_related("student")
        .order_by("student__sort_key", "pk")
    )
