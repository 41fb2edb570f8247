"""Every write of residents' headcounts. Keyword-only, permission-checked, atomic, audited.

Rows are only ever added: a changed figure becomes a new row superseding the current one,
an unchanged figure writes nothing (so re-submitting the same form, or re-running the demo,
leaves no trace).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for

from ..models import Organization, ResidentCount, TargetGroup

#: Figures older than this are almost certainly a typing mistake (e.g. 0202 for 2020).
EARLIEST_PERIOD = dt.date(2000, 1, 1)
MAX_COUNT = 100_000


@dataclass
class HeadcountResult:
    """What a submission did: the rows it added, how many figures were unchanged, and
    warnings worth showing to the person (not errors: the figures were recorded)."""

    created: list[ResidentCount] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)


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


def _current(facility_ids: Iterable[int], periods: Iterable[dt.date]) -> dict:
    """The current row of every (facility, period, group) among those given."""
    rows = ResidentCount.objects.current().filter(
        facility_id__in=set(facility_ids), period_end__in=set(periods)
    )
    return {(r.facility_id, r.period_end, r.target_group_id): r for r in rows}


@transaction.atomic
def headcount_submit(
    *,
    by,
    facility: Organization,
    period_end: dt.date,
    counts: Mapping[TargetGroup | str, int],
    note: str = "",
) -> HeadcountResult:
    """Record a facility's residents by target group as of ``period_end``.

    The programme office may record for every facility, a facility manager for its own.
    A figure that differs from the one in force for that period is added as a correction
    (the earlier row stays); an equal one writes nothing. One audit event per submission.
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
        if previous is not None and previous.count == value:
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

    given = {g.pk for g in groups}
    kept = sum(row.count for (_f, _p, gid), row in current.items() if gid not in given)
    total = kept + sum(groups.values())
    if profile and profile.capacity and total > profile.capacity:
        result.warnings.append(
            _("%(total)s residents is more than the facility's capacity of %(capacity)s.")
            % {"total": total, "capacity": profile.capacity}
        )
    if not to_create:
        return result
    result.created = ResidentCount.objects.bulk_create(to_create)
    audit.record(
        actor=by,
        action="headcount.submit",
        object_type=ResidentCount._meta.label_lower,
        object_id=f"{facility.pk}:{period_end.isoformat()}",
        object_repr=f"{facility} · {period_end:%d/%m/%Y}",
        organization=facility,
        old={"period_end": period_end, **old} if any(v is not None for v in old.values()) else {},
        new={"period_end": period_end, "note": note, **new},
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

    Programme office (or the system) only. Every row is validated before anything is
    written; figures equal to those in force are skipped; one summary audit event.
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
    current = _current([r.facility.pk for r in rows], [r.period_end for r in rows])
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
        if previous is not None and previous.count == row.count:
            continue
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
