"""The school's part of the practicum board (``/practicum/``): its rounds in the period,
students without preferences or (after the commit) without placement, letters to print."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ctxh.accounts.roles import Role
from ctxh.core.scoping import scope_for

from ..models import Placement, PlacementPeriod, Preference, Round, Student
from . import board_practice

#: Statuses after which the allocation is committed: placements exist.
COMMITTED = (PlacementPeriod.Status.ACCEPTANCE, PlacementPeriod.Status.CLOSED)


def _school_ids(user) -> list[int]:
    """The schools ``user`` coordinates (the programme office has its own section)."""
    return sorted(
        {
            m.organization_id
            for m in getattr(user, "active_memberships", [])
            if m.role == Role.SCHOOL_COORDINATOR
        }
    )


def _count(queryset):
    return Coalesce(
        Subquery(
            queryset.order_by().values("round").annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def context(request, period) -> dict | None:
    """What the school's section of the board shows for ``period`` (None: not shown)."""
    school_ids = _school_ids(request.user)
    if not school_ids:
        return None
    has_preferences = Exists(Preference.objects.filter(student=OuterRef("pk")))
    placed = Exists(Placement.objects.filter(student=OuterRef("pk"), status__in=Placement.ACTIVE))
    in_round = Student.objects.filter(round=OuterRef("pk"))
    rounds = list(
        Round.objects.filter(period=period, school_id__in=school_ids)
        .select_related("school")
        .annotate(
            student_count=_count(in_round),
            without_preferences=_count(in_round.filter(~has_preferences)),
            without_placement=_count(in_round.filter(~placed)),
        )
        .order_by("school__sort_key", "name", "pk")
    )
    letters = (
        Placement.objects.filter(
            period=period, school_id__in=school_ids, status__in=Placement.ACTIVE
        )
        .order_by()
        .values("facility_id", "facility__name")
        .annotate(n=Count("pk"))
        .order_by("facility__name")
    )
    letter_facilities = list(letters)
    schools = sorted({r.school for r in rounds}, key=lambda s: s.sort_key)
    return {
        "schools": schools,
        "rounds": rounds,
        "students": sum(r.student_count for r in rounds),
        "without_preferences": sum(r.without_preferences for r in rounds),
        "without_placement": sum(r.without_placement for r in rounds),
        "committed": period.status in COMMITTED,
        "due": board_practice.school_due(period, school_ids),
        "behind": board_practice.school_behind(period, school_ids),
        "letters": sum(row["n"] for row in letter_facilities),
        "letter_facilities": letter_facilities,
        "can_add_round": period.status
        in (PlacementPeriod.Status.PREPARING, PlacementPeriod.Status.PREFERENCES)
        and not scope_for(request.user, Round, "add").empty,
    }
