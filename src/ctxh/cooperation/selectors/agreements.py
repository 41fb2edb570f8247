"""Reads of agreements, plans and tasks shared by the pages: a plan's progress, the late
tasks city-wide, the cooperation overview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from ..models import ActionPlan, Agreement, Task


@dataclass(frozen=True)
class Progress:
    """How far a set of tasks has come: counts by status and the late ones."""

    total: int = 0
    done: int = 0
    in_progress: int = 0
    planned: int = 0
    dropped: int = 0
    late: int = 0

    @property
    def active(self) -> int:
        """The tasks that count toward the plan (dropped ones do not)."""
        return self.total - self.dropped

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.active) if self.active else 0


def _progress_aggregates(today: dt.date) -> dict:
    open_ = Q(status__in=Task.OPEN)
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(status=Task.Status.DONE)),
        "in_progress": Count("pk", filter=Q(status=Task.Status.IN_PROGRESS)),
        "planned": Count("pk", filter=Q(status=Task.Status.PLANNED)),
        "dropped": Count("pk", filter=Q(status=Task.Status.DROPPED)),
        "late": Count("pk", filter=open_ & Q(deadline__lt=today)),
    }


def task_progress(tasks) -> Progress:
    """The :class:`Progress` of a queryset of tasks, in one query."""
    return Progress(**tasks.aggregate(**_progress_aggregates(timezone.localdate())))


def plans_progress(plans) -> dict[int, Progress]:
    """Plan id → :class:`Progress` for the given plans (one query)."""
    today = timezone.localdate()
    aggregates = {
        name: Count("tasks", filter=_prefix(agg.filter))
        if agg.filter is not None
        else Count("tasks")
        for name, agg in _progress_aggregates(today).items()
    }
    rows = ActionPlan.objects.filter(pk__in=[p.pk for p in plans]).annotate(**aggregates)
    return {row.pk: Progress(**{name: getattr(row, name) for name in aggregates}) for row in rows}


def _prefix(q: Q) -> Q:
    """``q`` with every lookup moved under ``tasks__``."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_prefix(child))
        else:
            key, value = child
            out.children.append((f"tasks__{key}", value))
    return out


def late_tasks(user):
    """The tasks the user may see whose deadline passed before they were done, oldest
    deadline first, with their plan, agreement and responsible organisation."""
    return (
        Task.objects.visible_to(user)
        .late()
        .select_related("plan__agreement", "owner")
        .order_by("deadline", "pk")
    )


def overview(user, *, year: int | None = None) -> dict:
    """What the cooperation's front page shows: the agreements in force, this year's
    progress over all plans and per partner, and the number of late tasks."""
    year = year or timezone.localdate().year
    agreements = list(
        Agreement.objects.visible_to(user)
        .filter(status=Agreement.Status.IN_FORCE)
        .prefetch_related("partners")
        .order_by("title")
    )
    plans = list(
        ActionPlan.objects.visible_to(user)
        .filter(year=year, agreement__in=agreements)
        .select_related("agreement")
        .prefetch_related("agreement__partners")
        .order_by("agreement__title")
    )
    progress = plans_progress(plans)
    tasks = Task.objects.visible_to(user).filter(plan__year=year)
    return {
        "year": year,
        "agreements": agreements,
        "plans": [(plan, progress.get(plan.pk, Progress())) for plan in plans],
        "year_progress": task_progress(tasks),
        "late_count": late_tasks(user).count(),
        "agreement_counts": dict(
            Agreement.objects.visible_to(user)
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by()
        ),
    }
