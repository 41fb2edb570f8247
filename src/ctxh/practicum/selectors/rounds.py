"""Reads of periods, rounds and their students, shared by the pages and the exports."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from ctxh.core.searchtext import ranked_search

from ..models import Offer, Placement, PlacementPeriod, Preference, Round, Student


def _preference_count():
    return Coalesce(
        Subquery(
            Preference.objects.filter(student=OuterRef("pk"))
            .order_by()
            .values("student")
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def _active_placement(field: str):
    return Placement.objects.filter(student=OuterRef("pk"), status__in=Placement.ACTIVE).values(
        field
    )[:1]


def round_students(*, round: Round, q: str = ""):  # noqa: A002 - the domain's word
    """The students of ``round`` with ``preference_count`` and their active placement's
    facility name, status and id (``placement_facility``, ``placement_status``,
    ``placement_id``), searched
    accent-insensitively by name, code or e-mail; best matches first, then by name."""
    students = Student.objects.filter(round=round).annotate(
        preference_count=_preference_count(),
        placement_facility=Subquery(_active_placement("facility__name")),
        placement_status=Subquery(_active_placement("status")),
        placement_id=Subquery(_active_placement("pk")),
    )
    return ranked_search(students, q)


def round_counts(rnd: Round) -> dict[str, int]:
    """How many students the round has, how many ranked offers, how many are placed."""
    students = Student.objects.filter(round=rnd)
    return students.aggregate(
        total=Count("pk"),
        with_preferences=Count(
            "pk", filter=Q(Exists(Preference.objects.filter(student=OuterRef("pk"))))
        ),
        placed=Count(
            "pk",
            filter=Q(
                Exists(
                    Placement.objects.filter(student=OuterRef("pk"), status__in=Placement.ACTIVE)
                )
            ),
        ),
    )


def round_list(*, user, period=None, school=None):
    """The rounds ``user`` sees (a school its own, the programme office all), with
    ``student_count``, newest period first."""
    rounds = Round.objects.visible_to(user).select_related("period", "school")
    if period is not None:
        rounds = rounds.filter(period=period)
    if school is not None:
        rounds = rounds.filter(school=school)
    student_count = Subquery(
        Student.objects.filter(round=OuterRef("pk"))
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    return rounds.annotate(student_count=Coalesce(student_count, 0)).order_by(
        "-period__starts_on", "period_id", "school__sort_key", "name", "pk"
    )


def period_summary(period: PlacementPeriod) -> dict:
    """The numbers of a period's page: its rounds per school with their students, and the
    offers and seats published in it."""
    rounds = list(
        Round.objects.filter(period=period)
        .select_related("school")
        .annotate(student_count=Count("students"))
        .order_by("school__sort_key", "name", "pk")
    )
    offers = Offer.objects.filter(period=period).aggregate(
        offers=Count("pk", filter=Q(status=Offer.Status.PUBLISHED)),
        drafts=Count("pk", filter=Q(status=Offer.Status.DRAFT)),
        seats=Coalesce(Sum("seats", filter=Q(status=Offer.Status.PUBLISHED)), 0),
    )
    return {
        "rounds": rounds,
        "students": sum(r.student_count for r in rounds),
        "schools": len({r.school_id for r in rounds}),
        **offers,
    }
