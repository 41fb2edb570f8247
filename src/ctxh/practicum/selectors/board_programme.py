"""The programme office's part of the practicum board (``/practicum/``): every school's and
facility's state in the period, the allocation runs, and the overdue decisions.

A constant number of queries whatever the period's size (aggregates grouped by school and
by facility; names read once).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Organization

from ..models import AllocationRun, Offer, Placement, Preference, Student
from . import board_practice


def overdue_proposals(period, *, now: dt.datetime | None = None):
    """Proposals of ``period`` undecided for more than ``period.reminder_days`` days."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=period.reminder_days)
    return Placement.objects.filter(
        period=period, status=Placement.Status.PROPOSED, proposed_at__lt=cutoff
    )


def context(request, period) -> dict | None:
    """What the programme's section of the board shows for ``period`` (None: not shown)."""
    if not scope_for(request.user, AllocationRun, "view").everything:
        return None
    S = Placement.Status
    schools: dict[int, dict] = {}

    def school(pk):
        return schools.setdefault(
            pk,
            {"id": pk, "students": 0, "with_preferences": 0, "placed": 0, "accepted": 0},
        )

    for pk, n in (
        Student.objects.filter(period=period).values_list("school_id").annotate(n=Count("id"))
    ):
        school(pk)["students"] = n
    for pk, n in (
        Preference.objects.filter(student__period=period)
        .values_list("student__school_id")
        .annotate(n=Count("student_id", distinct=True))
    ):
        school(pk)["with_preferences"] = n
    facilities: dict[int, dict] = {}

    def facility(pk):
        return facilities.setdefault(
            pk,
            {
                "id": pk,
                "offers": 0,
                "seats": 0,
                "proposed": 0,
                "accepted": 0,
                "declined": 0,
            },
        )

    for pk, offers, seats in (
        Offer.objects.filter(period=period, status=Offer.Status.PUBLISHED)
        .values_list("facility_id")
        .annotate(offers=Count("id"), seats=Sum("seats"))
    ):
        row = facility(pk)
        row["offers"], row["seats"] = offers, seats or 0
    for school_id, facility_id, status, n in (
        Placement.objects.filter(period=period)
        .values_list("school_id", "facility_id", "status")
        .annotate(n=Count("id"))
    ):
        if status in Placement.ACTIVE:
            school(school_id)["placed"] += n
        if status in Placement.HOSTED:
            school(school_id)["accepted"] += n
            facility(facility_id)["accepted"] += n
        elif status in (S.PROPOSED, S.DECLINED):
            facility(facility_id)[str(status)] += n
    names = dict(
        Organization.objects.filter(pk__in=[*schools, *facilities]).values_list("pk", "name")
    )
    for rows in (schools, facilities):
        for pk, row in rows.items():
            row["name"] = names.get(pk, "")
    runs = list(
        AllocationRun.objects.filter(period=period)
        .select_related("created_by")
        .order_by("-number")[:10]
    )
    cutoff = timezone.now() - dt.timedelta(days=period.reminder_days)
    counts = Placement.objects.filter(period=period).aggregate(
        overdue=Count("id", filter=Q(status=S.PROPOSED, proposed_at__lt=cutoff)),
        pending=Count("id", filter=Q(status=S.PROPOSED)),
    )
    return {
        "period": period,
        "schools": sorted(schools.values(), key=lambda r: r["name"]),
        "facilities": sorted(facilities.values(), key=lambda r: r["name"]),
        "runs": runs,
        "overdue": counts["overdue"],
        "pending": counts["pending"],
        "may_run": scope_for(request.user, AllocationRun, "run").everything,
        "practice": board_practice.programme_practice(period),
    }
