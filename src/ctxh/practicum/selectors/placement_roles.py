"""What a user is to one placement: its student, its field instructor, its facility's
manager, its school's coordinator, or the programme office (city-wide). The rules on
supervision notes and on the blindness of evaluations are written against these."""

from __future__ import annotations

from ctxh.core.roles import Role
from ctxh.core.scoping import scope_for

from .instructors import supervises

STUDENT, INSTRUCTOR, FACILITY, SCHOOL, OFFICE = (
    "student",
    "instructor",
    "facility",
    "school",
    "office",
)


def roles_on(user, placement) -> frozenset[str]:
    """The user's positions on ``placement`` (empty: none of them)."""
    if not getattr(user, "pk", None):
        return frozenset()
    found = set()
    if placement.student.user_id == user.pk:
        found.add(STUDENT)
    if supervises(user, placement):
        found.add(INSTRUCTOR)
    for m in getattr(user, "active_memberships", ()):
        if m.role == Role.FACILITY_MANAGER and m.organization_id == placement.facility_id:
            found.add(FACILITY)
        if m.role == Role.SCHOOL_COORDINATOR and m.organization_id == placement.school_id:
            found.add(SCHOOL)
    if scope_for(user, type(placement), "view").everything:
        found.add(OFFICE)
    return frozenset(found)
