"""Every write of residents' headcounts. Keyword-only, permission-checked, atomic, audited.

Rows are only ever added: a changed figure becomes a new row superseding the current one,
an unchanged figure writes nothing (so re-submitting the same form, or re-running the demo,
leaves no trace). A figure that looks wrong (above the capacity, ±50 % against the previous
period) is written only once confirmed with a reason, and then waits for review
(:func:`headcount_accept`, :func:`headcount_return`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import transition

from ..models import Organization, ResidentCount, TargetGroup

#: Figures older than this are almost certainly a typing mistake (e.g. 0202 for 2020).
EARLIEST_PERIOD = dt.date(2000, 1, 1)
MAX_COUNT = 100_000
#: A group's figure moving more than this share away from the previous period is flagged.
LARGE_CHANGE = 0.5


def _n(value: int) -> str:
    """A number as the active language writes it (1.234 in Vietnamese)."""
    return number_format(value, force_grouping=True)


@dataclass(frozen=True)
class Finding:
    """A check that fired on a submission: which, for which group (None: the whole
    facility), the figures compared, and the sentence shown to the person."""

    check: str
    message: str
    group: TargetGroup | None = None
    new: int | None = None
    previous: int | None = None


class HeadcountNeedsConfirmation(ValidationError):
    """The figures look wrong: nothing was written; the person must confirm them with a
    reason (``confirmed=True, reason=...``). ``findings`` says what fired."""

    def __init__(self, findings: list[Finding]):
        super().__init__([f.message for f in findings], code="needs_confirmation")
        self.findings = findings


@dataclass
class HeadcountResult:
    """What a submission did: the rows it added, how many figures were unchanged, and
    warnings worth showing to the person (not errors: the figures were recorded)."""

    created: list[ResidentCount] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    flagged: list[ResidentCount] = field(default_factory=list)


def can_submit(user, facility: Organization) -> bool:
    """Whether ``user`` may record headcounts for ``facility``."""
    return facility.is_facility and scope_for(user, ResidentCount, "add").covers(facility)


def _validate_period(period_end) -> None:
    if not isinstance(period_end, dt.date) or isinstance(period_end, dt.datetime):
        raise ValidationError({"period_end": _("Enter a valid date.")}, code="invalid")
    if period_end > timezone.localdate():
        raise ValidationError({"period_end": _("The date cannot be in the future.")}, code="future")
    if period_end < EARLIEST_PERIOD:
        raise ValidationError({"period_end": _("Enter a date from 01/01/2000 on.")}, code="too_old")


def _resolve_groups(counts: Mapping) -> dict[TargetGroup, int]:
    """``{TargetGroup or code: count}`` → ``{TargetGroup: int}``, validating every value."""
    if not counts:
        raise ValidationError(_("Enter the number of people for at least one target group."))
    codes = {key for key in counts if not isinstance(key, TargetGroup)}
    by_code = {g.code: g for g in TargetGroup.objects.filter(code__in=codes)}
    unknown = sorted(str(c) for c in codes - set(by_code))
    if unknown:
        raise ValidationError(
            _("Unknown target group: %(codes)s.") % {"codes": ", ".join(unknown)}, code="unknown"
        )
    result: dict[TargetGroup, int] = {}
    errors = []
    for key, value in counts.items():
        group = key if isinstance(key, TargetGroup) else by_code[key]
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(
                ValidationError(
                    _("%(group)s: enter a whole number.") % {"group": group.name}, code="invalid"
                )
            )
        elif value < 0:
            errors.append(
                ValidationError(
                    _("%(group)s: the number of people cannot be negative.")
                    % {"group": group.name},
                    code="negative",
                )
            )
        elif value > MAX_COUNT:
            errors.append(
                ValidationError(
                    _("%(group)s: %(value)s people is more than any facility cares for.")
                    % {"group": group.name, "value": value},
                    code="too_large",
                )
            )
        else:
            result[group] = value
    if errors:
        raise ValidationError(errors)
    return result


def _current(facility_ids: Iterable[int], periods: Iterable[dt.date], *, in_force=False) -> dict:
    """The latest row (or, ``in_force``, the accepted figure in force) of every (facility,
    period, group) among those given."""
    rows = ResidentCount.objects.in_force() if in_force else ResidentCount.objects.current()
    rows = rows.filter(facility_id__in=set(facility_ids), period_end__in=set(periods))
    return {(r.facility_id, r.period_end, r.target_group_id): r for r in rows}


def previous_period(facility: Organization, period_end: dt.date) -> tuple[dt.date | None, dict]:
    """The facility's latest period before ``period_end`` and its accepted figures in force
    by target group id (what a new figure is compared with)."""
    rows = ResidentCount.objects.in_force().filter(facility=facility, period_end__lt=period_end)
    latest = rows.order_by("-period_end").values_list("period_end", flat=True).first()
    if latest is None:
        return None, {}
    return latest, dict(rows.filter(period_end=latest).values_list("target_group_id", "count"))


def _findings(
    *, facility, period_end, changed: dict[TargetGroup, int], total: int, capacity: int | None
) -> list[Finding]:
    """The checks a submission must pass without confirmation."""
    findings = []
    if capacity and total > capacity:
        findings.append(
            Finding(
                ResidentCount.Check.OVER_CAPACITY,
                _("%(total)s residents is more than the facility's capacity of %(capacity)s.")
                % {"total": _n(total), "capacity": _n(capacity)},
                new=total,
                previous=capacity,
            )
        )
    previous_date, previous = previous_period(facility, period_end)
    for group, value in sorted(changed.items(), key=lambda item: item[0].order):
        before = previous.get(group.pk)
        if not before or abs(value - before) <= LARGE_CHANGE * before:
            continue  # no earlier figure (or 0): no share to compare
        percent = round(100 * (value - before) / before)
        findings.append(
            Finding(
                ResidentCount.Check.LARGE_CHANGE,
                _("%(group)s: %(new)s people against %(previous)s as of %(date)s (%(percent)s %%).")
                % {
                    "group": group.name,
                    "new": _n(value),
                    "previous": _n(before),
                    "date": previous_date.strftime("%d/%m/%Y"),
                    "percent": ("+" if percent > 0 else "") + _n(percent),
                },
                group=group,
                new=value,
                previous=before,
            )
        )
    return findings


@transaction.atomic
def headcount_submit(
    *,
    by,
    facility: Organization,
    period_end: dt.date,
    counts: Mapping[TargetGroup | str, int],
    note: str = "",
    confirmed: bool = False,
    reason: str = "",
) -> HeadcountResult:
    """Record a facility's residents by target group as of ``period_end``.

    The programme office may record for every facility, a facility manager for its own.
    A figure that differs from the latest one for that period is added as a correction
    (the earlier row stays); an equal one writes nothing (unless that one was returned:
    submitting it again re-submits it). When the facility's total passes its capacity, or
    a group moves more than 50 % from the previous period, nothing is written
    (:class:`HeadcountNeedsConfirmation`) unless ``confirmed`` with a ``reason``; the
    figures are then recorded as awaiting the programme office's review (all of the
    submission's changed figures when the capacity check fires, the groups concerned
    otherwise). One audit event per submission.
    """
    if not facility.is_facility:
        raise ValidationError(
            _("%(org)s is not a social-assistance facility.") % {"org": facility}, code="kind"
        )
    if not can_submit(by, facility):
        raise PermissionDenied
    # Serialise submissions of one facility (row lock on PostgreSQL; SQLite locks anyway).
    facility = (
        Organization.objects.select_for_update(of=("self",))
        .select_related("facility")
        .get(pk=facility.pk)
    )
    _validate_period(period_end)
    note = (note or "").strip()
    if len(note) > 300:
        raise ValidationError({"note": _("Keep the note under 300 characters.")})
    groups = _resolve_groups(counts)
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": _("Keep the reason under 500 characters.")})
    result = HeadcountResult()

    profile = getattr(facility, "facility", None)
    served = set(profile.target_groups.values_list("pk", flat=True)) if profile else set()
    outside = sorted((g for g in groups if g.pk not in served), key=lambda g: g.order)
    if outside:
        result.warnings.append(
            _("%(groups)s: not among the target groups this facility serves.")
            % {"groups": ", ".join(g.name for g in outside)}
        )

    current = _current([facility.pk], [period_end])
    old, new = {}, {}
    to_create = []
    now = timezone.now()
    recorded_by = by if getattr(by, "is_authenticated", False) else None
    for group, value in sorted(groups.items(), key=lambda item: item[0].order):
        previous = current.get((facility.pk, period_end, group.pk))
        if (
            previous is not None
            and previous.count == value
            and previous.status != ResidentCount.Review.RETURNED
        ):
            result.unchanged += 1
            continue
        to_create.append(
            ResidentCount(
                facility=facility,
                period_end=period_end,
                target_group=group,
                count=value,
                note=note,
                recorded_by=recorded_by,
                recorded_at=now,
                supersedes=previous,
            )
        )
        old[group.code] = previous.count if previous else None
        new[group.code] = value

    if not to_create:
        return result
    given = {g.pk for g in groups}
    kept = sum(row.count for (_f, _p, gid), row in current.items() if gid not in given)
    total = kept + sum(groups.values())
    capacity = profile.capacity if profile else None
    findings = _findings(
        facility=facility,
        period_end=period_end,
        changed={row.target_group: row.count for row in to_create},
        total=total,
        capacity=capacity,
    )
    if findings:
        if not confirmed:
            raise HeadcountNeedsConfirmation(findings)
        if not reason:
            raise ValidationError(
                {
                    "reason": _(
                        "Say why these figures are right (e.g. a new wing opened, residents "
                        "transferred): the programme office reviews them."
                    )
                },
                code="reason_required",
            )
        over = any(f.check == ResidentCount.Check.OVER_CAPACITY for f in findings)
        by_group = {f.group.pk: f for f in findings if f.group is not None}
        previous_date, previous_counts = previous_period(facility, period_end)
        for row in to_create:
            checks = [ResidentCount.Check.OVER_CAPACITY] if over else []
            if row.target_group.pk in by_group:
                checks.append(ResidentCount.Check.LARGE_CHANGE)
            if not checks:
                continue
            row.status = ResidentCount.Review.PENDING
            row.checks = ",".join(checks)
            row.previous_count = previous_counts.get(row.target_group.pk)
            row.capacity = capacity
            row.facility_total = total
            row.confirmation_reason = reason
    for row in to_create:
        row.full_clean(exclude=["facility", "target_group", "supersedes", "recorded_by"])
    result.created = ResidentCount.objects.bulk_create(to_create)
    result.flagged = [r for r in result.created if r.status == ResidentCount.Review.PENDING]
    audit.record(
        actor=by,
        action="headcount.submit",
        object_type=ResidentCount._meta.label_lower,
        object_id=f"{facility.pk}:{period_end.isoformat()}",
        object_repr=f"{facility} · {period_end:%d/%m/%Y}",
        organization=facility,
        old={"period_end": period_end, **old} if any(v is not None for v in old.values()) else {},
        new={
            "period_end": period_end,
            "note": note,
            **new,
            **(
                {
                    "awaiting_review": sorted(r.target_group.code for r in result.flagged),
                    "checks": sorted({c for r in result.flagged for c in r.check_codes}),
                    "reason": reason,
                }
                if result.flagged
                else {}
            ),
        },
    )
    return result


@dataclass(frozen=True)
class HeadcountRow:
    """One figure for :func:`headcount_load`: a facility's residents of one group on a date."""

    facility: Organization
    period_end: dt.date
    target_group: TargetGroup
    count: int


@transaction.atomic
def headcount_load(*, by, rows: list[HeadcountRow], note: str = "") -> int:
    """Bring many facilities' figures up to date at once (demo data, imports).

    Programme office (or the system) only, trusted as accepted (no review). Every row is
    validated before anything is written; figures equal to those in force are skipped;
    one summary audit event.
    Returns the number of rows added.
    """
    if not scope_for(by, ResidentCount, "add").everything:
        raise PermissionDenied
    errors = []
    for row in rows:
        if not row.facility.is_facility:
            errors.append(
                ValidationError(
                    _("%(org)s is not a social-assistance facility.") % {"org": row.facility}
                )
            )
        try:
            _validate_period(row.period_end)
            _resolve_groups({row.target_group: row.count})
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    facility_ids, periods = [r.facility.pk for r in rows], [r.period_end for r in rows]
    current = _current(facility_ids, periods)
    in_force = _current(facility_ids, periods, in_force=True)
    now = timezone.now()
    recorded_by = by if getattr(by, "is_authenticated", False) else None
    to_create = []
    seen = set()
    for row in rows:
        key = (row.facility.pk, row.period_end, row.target_group.pk)
        if key in seen:
            raise ValidationError(
                _("%(org)s, %(date)s, %(group)s appears twice.")
                % {
                    "org": row.facility,
                    "date": row.period_end.strftime("%d/%m/%Y"),
                    "group": row.target_group.name,
                }
            )
        seen.add(key)
        previous = current.get(key)
        accepted = in_force.get(key)
        if accepted is not None and accepted.count == row.count:
            continue  # the figure in force already (a correction may await review beside)
        to_create.append(
            ResidentCount(
                facility=row.facility,
                period_end=row.period_end,
                target_group=row.target_group,
                count=row.count,
                note=note,
                recorded_by=recorded_by,
                recorded_at=now,
                supersedes=previous,
            )
        )
    if not to_create:
        return 0
    ResidentCount.objects.bulk_create(to_create, batch_size=500)
    periods = sorted({r.period_end for r in to_create})
    audit.record(
        actor=by,
        action="headcount.load",
        object_type=ResidentCount._meta.label_lower,
        object_repr=_("Residents' headcounts of %(n)s facilities")
        % {"n": len({r.facility_id for r in to_create})},
        new={
            "rows": len(to_create),
            "corrections": sum(1 for r in to_create if r.supersedes_id),
            "facilities": len({r.facility_id for r in to_create}),
            "periods": periods,
            "people": sum(r.count for r in to_create),
            "note": note,
        },
    )
    return len(to_create)


def _review_updates(by, comment: str) -> dict:
    return {
        "review_comment": (comment or "").strip(),
        "reviewed_by": by if getattr(by, "is_authenticated", False) else None,
        "reviewed_at": timezone.now(),
    }


@transaction.atomic
def headcount_accept(*, entry: ResidentCount, by, comment: str = "") -> ResidentCount:
    """The programme office accepts a flagged figure: it comes into force and counts in
    the city totals. Only the latest submission of a figure can be accepted."""
    return transition(
        entry,
        to=ResidentCount.Review.ACCEPTED,
        by=by,
        reason=(comment or "").strip(),
        extra_updates=_review_updates(by, comment),
    )


@transaction.atomic
def headcount_return(*, entry: ResidentCount, by, comment: str) -> ResidentCount:
    """The programme office returns a flagged figure to the facility with a comment (what
    to check or correct); it then counts nowhere until the facility submits it again."""
    return transition(
        entry,
        to=ResidentCount.Review.RETURNED,
        by=by,
        reason=(comment or "").strip(),
        extra_updates=_review_updates(by, comment),
    )
