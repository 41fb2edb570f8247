"""Reads of the periodic submissions: the approved figures (what the dashboard and the
reports count), completeness (who has reported a period, who has not), the lists.

:func:`approved_values` is the one definition of "the approved figure": for each
organisation and period, the approved version of its submission (at most one: a later
approved correction supersedes the earlier), summed in the database. The residents of a
``headcount_backed`` data set are read from the registry's headcount in force, which the
approval writes into and which stays their one source of truth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from ctxh.organizations.models import Organization, ResidentCount

from ..models import DataField, DataSet, Submission, SubmissionValue

__all__ = [
    "Completeness",
    "approved_values",
    "completeness",
    "latest_due_period",
    "recent_periods",
    "submissions_for",
]

_GROUP_BY = {"ward": "organization__ward_id", "organization": "organization_id"}


def approved_values(
    dataset_code: str,
    field_code: str,
    period_start: dt.date,
    period_end: dt.date,
    *,
    by: str | None = None,
) -> dict | int:
    """The approved figures of one field of one data set for the periods lying within
    [``period_start``, ``period_end``], summed: the city total (``by=None``, an int), or
    ``{ward id: sum}`` (``by="ward"``) or ``{organisation id: sum}`` (``by="organization"``).

    Periods are summed: for a stock (people as of the period end) pass one period's
    bounds. Two queries (the field's id, then one aggregate on the indexes
    ``submission_ds_period_st`` and ``submissionvalue_field_sub``)."""
    if by is not None and by not in _GROUP_BY:
        raise ValueError(f"by must be None, 'ward' or 'organization', not {by!r}")
    row = (
        DataField.objects.filter(dataset__code=dataset_code, code=field_code)
        .values("pk", "dataset_id", "dataset__headcount_backed", "target_group_id")
        .first()
    )
    if row is None:
        raise DataField.DoesNotExist(f"{dataset_code}.{field_code}")
    if row["dataset__headcount_backed"]:
        return _registry_values(row, period_start, period_end, by)
    values = SubmissionValue.objects.filter(
        field_id=row["pk"],
        submission__dataset_id=row["dataset_id"],
        submission__status=Submission.Status.APPROVED,
        submission__period_start__gte=period_start,
        submission__period_end__lte=period_end,
    )
    if by is None:
        return values.aggregate(total=Sum("value"))["total"] or 0
    key = f"submission__{_GROUP_BY[by]}"
    return {
        r[key]: r["total"]
        for r in values.values(key).annotate(total=Sum("value")).order_by()
        if r[key] is not None
    }


def _registry_values(row: dict, period_start, period_end, by) -> dict | int:
    """Residents from the registry's headcount in force (``period_end`` in the range)."""
    dataset = DataSet.objects.get(pk=row["dataset_id"])
    rows = ResidentCount.objects.in_force().filter(
        period_end__gte=period_start,
        period_end__lte=period_end,
        facility__kind__in=dataset.org_kinds,
    )
    if row["target_group_id"] is not None:
        rows = rows.filter(target_group_id=row["target_group_id"])
    if by is None:
        return rows.aggregate(total=Sum("count"))["total"] or 0
    key = {"ward": "facility__ward_id", "organization": "facility_id"}[by]
    return {
        r[key]: r["total"]
        for r in rows.values(key).annotate(total=Sum("count")).order_by()
        if r[key] is not None
    }


def latest_due_period(dataset: DataSet, today: dt.date | None = None) -> dt.date:
    """The start of the latest period that has ended (the one being reported now)."""
    today = today or timezone.localdate()
    start, _end = dataset.bounds(today)
    return dataset.bounds(start - dt.timedelta(days=1))[0]


def recent_periods(dataset: DataSet, count: int = 12, today=None) -> list[dt.date]:
    """The starts of the current period and the ``count - 1`` before it, newest first."""
    today = today or timezone.localdate()
    start = dataset.bounds(today)[0]
    result = [start]
    while len(result) < count:
        start = dataset.bounds(start - dt.timedelta(days=1))[0]
        result.append(start)
    return result


def submissions_for(
    user,
    *,
    dataset: DataSet | None = None,
    period_start: dt.date | None = None,
    status: str | None = None,
) -> QuerySet:
    """The submissions ``user`` may see (its organisation's, or all for the programme
    office and the viewer), filtered, with what a list shows loaded."""
    rows = Submission.objects.visible_to(user, "view").select_related(
        "dataset", "organization", "organization__ward", "submitted_by"
    )
    if dataset is not None:
        rows = rows.filter(dataset=dataset)
    if period_start is not None:
        rows = rows.filter(period_start=period_start)
    if status:
        rows = rows.filter(status=status)
    return rows


@dataclass
class ReporterRow:
    organization: Organization
    submission: Submission | None
    late: bool

    @property
    def reported(self) -> bool:
        return self.submission is not None and self.submission.status in (
            Submission.Status.SUBMITTED,
            Submission.Status.APPROVED,
        )


@dataclass
class Completeness:
    """Who has reported one data set's period: every reporting organisation with its
    current submission (or none), late ones, and counts by status."""

    dataset: DataSet
    period_start: dt.date
    period_end: dt.date
    deadline: dt.date
    closes: dt.date
    closed: bool
    rows: list[ReporterRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def reported(self) -> int:
        return sum(1 for r in self.rows if r.reported)

    @property
    def missing(self) -> list[ReporterRow]:
        return [r for r in self.rows if not r.reported]

    @property
    def late(self) -> int:
        return sum(1 for r in self.rows if r.late)

    @property
    def percent(self) -> int:
        return round(100 * self.reported / self.expected) if self.expected else 100


def completeness(
    dataset: DataSet, period_start: dt.date, *, user, today: dt.date | None = None
) -> Completeness:
    """Every organisation (among those ``user`` may see submissions of) that reports
    ``dataset``, with its current submission for the period: who has reported, who has
    not, who was (or is) late. Three queries whatever the number of organisations."""
    today = today or timezone.localdate()
    start, end = dataset.bounds(period_start)
    deadline = dataset.deadline(end)
    reporters = list(
        dataset.reporters()
        .visible_to(user, "view")
        .select_related("ward")
        .order_by("ward__name", "sort_key", "id")
    )
    current = {}
    for s in (
        Submission.objects.visible_to(user, "view")
        .current()
        .filter(dataset=dataset, period_start=start)
        .order_by("version")
    ):
        current[s.organization_id] = s  # the highest version in progress wins
    result = Completeness(
        dataset=dataset,
        period_start=start,
        period_end=end,
        deadline=deadline,
        closes=dataset.closes(end),
        closed=dataset.is_closed(start, today=today),
    )
    for org in reporters:
        s = current.get(org.pk)
        if s is not None:
            s.dataset = dataset
        submitted_on = (
            timezone.localtime(s.submitted_at).date() if s is not None and s.submitted_at else None
        )
        late = (submitted_on or today) > deadline if not (s and s.previous_id) else False
        result.rows.append(ReporterRow(org, s, late))
    counts = (
        Submission.objects.visible_to(user, "view")
        .filter(dataset=dataset, period_start=start)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    result.counts = {r["status"]: r["n"] for r in counts}
    result.counts["missing"] = sum(1 for r in result.rows if r.submission is None)
    return result


def status_counts(user) -> dict[str, int]:
    """How many visible current submissions are in each status (for a summary)."""
    rows = Submission.objects.visible_to(user, "view").current()
    return rows.aggregate(**{s: Count("id", filter=Q(status=s)) for s in Submission.OPEN_STATUSES})
