"""Reading the logbook: hours against the round's requirement (and whether the student is
behind schedule), the entries by week, and the instructor's entries to approve."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from ..models import LogEntry, Placement
from .instructors import supervised_q

S = LogEntry.Status
ZERO = Decimal(0)


@dataclass
class HoursProgress:
    """A placement's hours against its round's ``required`` hours.

    Only the latest version of each entry counts. **Behind schedule** means: the hours
    approved or waiting for approval are fewer than a steady pace would have reached by
    now, the steady pace being the required hours spread evenly over the round's days,
    ``starts_on`` to ``ends_on`` inclusive. "By now" counts the days *before* today (today
    can still be logged)::

        days_total   = (ends_on - starts_on).days + 1
        days_elapsed = clamp((today - starts_on).days, 0, days_total)
        expected     = required × days_elapsed / days_total
        behind       = approved + submitted < expected  (and approved < required)

    So nobody is behind on the first day; on the day after the end, anyone short of the
    requirement is. Drafts and returned entries do not count.
    """

    required: int
    approved: Decimal
    submitted: Decimal
    starts_on: dt.date
    ends_on: dt.date
    today: dt.date
    returned: int = 0

    @property
    def days_total(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def days_elapsed(self) -> int:
        return min(max((self.today - self.starts_on).days, 0), self.days_total)

    @property
    def expected(self) -> Decimal:
        """The hours a steady pace reaches by the start of today (one decimal)."""
        value = Decimal(self.required) * self.days_elapsed / self.days_total
        return value.quantize(Decimal("0.1"))

    @property
    def behind(self) -> bool:
        return self.approved < self.required and self.approved + self.submitted < self.expected

    @property
    def complete(self) -> bool:
        return self.approved >= self.required

    def _percent(self, hours: Decimal) -> int:
        return min(int(hours * 100 / self.required), 100) if self.required else 100

    @property
    def percent_approved(self) -> int:
        return self._percent(self.approved)

    @property
    def percent_submitted(self) -> int:
        """The waiting hours' share of the bar (what is left after the approved part)."""
        return min(self._percent(self.submitted), 100 - self.percent_approved)

    @property
    def percent_expected(self) -> int:
        return self._percent(self.expected)

    @property
    def remaining(self) -> Decimal:
        return max(Decimal(self.required) - self.approved, ZERO)


def _progress(placement: Placement, sums: dict, today: dt.date) -> HoursProgress:
    rnd = placement.student.round
    return HoursProgress(
        required=rnd.required_hours,
        approved=sums.get("approved") or ZERO,
        submitted=sums.get("submitted") or ZERO,
        returned=sums.get("returned") or 0,
        starts_on=rnd.starts_on,
        ends_on=rnd.ends_on,
        today=today,
    )


def _sums(placement_ids: Iterable[int]) -> dict[int, dict]:
    rows = (
        LogEntry.objects.filter(placement_id__in=list(placement_ids), current=True)
        .values("placement_id")
        .annotate(
            approved=Sum("hours", filter=Q(status=S.APPROVED)),
            submitted=Sum("hours", filter=Q(status=S.SUBMITTED)),
            returned=Count("pk", filter=Q(status=S.RETURNED)),
        )
        .order_by()
    )
    return {row["placement_id"]: row for row in rows}


def hours_progress(placement: Placement, *, today: dt.date | None = None) -> HoursProgress:
    """``placement``'s hours (one query; its student and round read from it)."""
    today = today or timezone.localdate()
    return _progress(placement, _sums([placement.pk]).get(placement.pk, {}), today)


def progress_for(
    placements: Iterable[Placement], *, today: dt.date | None = None
) -> dict[int, HoursProgress]:
    """Each placement's hours, by placement id, in one query (their students and rounds
    must be selected with them)."""
    today = today or timezone.localdate()
    placements = list(placements)
    sums = _sums(p.pk for p in placements)
    return {p.pk: _progress(p, sums.get(p.pk, {}), today) for p in placements}


def week_start_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


@dataclass
class Week:
    """One ISO week of a logbook: its entries (latest versions) and their hours."""

    start: dt.date
    entries: list = field(default_factory=list)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def hours(self) -> Decimal:
        return sum((e.hours for e in self.entries), ZERO)

    @property
    def approved(self) -> Decimal:
        return sum((e.hours for e in self.entries if e.status == S.APPROVED), ZERO)


def logbook_weeks(placement: Placement) -> list[Week]:
    """The placement's current entries by week, the latest week first (one query); each
    entry carries the version it corrects (``supersedes``)."""
    entries = (
        LogEntry.objects.filter(placement=placement, current=True)
        .select_related("supersedes", "decided_by")
        .order_by("-date", "-pk")
    )
    weeks: dict[dt.date, Week] = {}
    for entry in entries:
        start = week_start_of(entry.date)
        weeks.setdefault(start, Week(start)).entries.append(entry)
    return list(weeks.values())


def returned_entries(placement: Placement) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(placement=placement, current=True, status=S.RETURNED).order_by(
            "date", "pk"
        )
    )


# --- the instructor ---------------------------------------------------------------------


@dataclass
class StudentWeek:
    """One student's submitted entries of one week."""

    placement: Placement
    entries: list = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        return sum((e.hours for e in self.entries), ZERO)


@dataclass
class ApprovalWeek:
    start: dt.date
    students: list[StudentWeek] = field(default_factory=list)

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def count(self) -> int:
        return sum(len(s.entries) for s in self.students)


def waiting_entries(user):
    """The submitted (latest-version) entries of the students ``user`` supervises."""
    return LogEntry.objects.filter(
        supervised_q(user, "placement__"), status=S.SUBMITTED, current=True
    )


def approvals_summary(user) -> dict:
    """How many entries wait for ``user``'s approval and since when (one query)."""
    row = waiting_entries(user).aggregate(count=Count("pk"), oldest=Min("submitted_at"))
    return {"count": row["count"] or 0, "oldest": row["oldest"]}


def approvals_for(user, *, limit: int = 600) -> dict:
    """``user``'s entries to approve, grouped by week (oldest first) then student: at most
    ``limit`` entries, the longest waiting first (two queries whatever the number)."""
    summary = approvals_summary(user)
    entries = list(
        waiting_entries(user)
        .select_related("placement__student", "placement__school")
        .only(
            "pk",
            "date",
            "hours",
            "activity",
            "description",
            "submitted_at",
            "placement_id",
            "placement__student__full_name",
            "placement__student__sort_key",
            "placement__school__name",
        )
        .order_by("date", "placement__student__sort_key", "placement_id", "pk")[:limit]
    )
    weeks: dict[dt.date, ApprovalWeek] = {}
    by_student: dict[tuple, StudentWeek] = {}
    now = timezone.now()
    for entry in entries:
        entry.waiting_days = (now - entry.submitted_at).days if entry.submitted_at else 0
        start = week_start_of(entry.date)
        week = weeks.get(start)
        if week is None:
            week = weeks[start] = ApprovalWeek(start)
        key = (start, entry.placement_id)
        group = by_student.get(key)
        if group is None:
            group = by_student[key] = StudentWeek(entry.placement)
            week.students.append(group)
        group.entries.append(entry)
    for week in weeks.values():
        week.students.sort(key=lambda g: (g.placement.student.sort_key, g.placement.pk))
    return {
        "weeks": sorted(weeks.values(), key=lambda w: w.start),
        "count": summary["count"],
        "oldest": summary["oldest"],
        "shown": len(entries),
    }
