"""Demo residents' headcounts: the 20,699 people the articles say the city's 92
social-assistance facilities care for, spread over the facilities by capacity and over
each facility's target groups, for the latest period and two earlier ones (so the
history shows). Deterministic; written through :func:`headcount_load`, which skips
figures already in force, so a second run writes nothing and audits nothing.

Two facilities then correct their latest figures in a way the checks flag (one group
doubled, a total above the capacity), confirmed with a reason: they wait for the programme
office's review, so its review list and home to-do are not empty, while the accepted city
total stays the articles' 20,699 (the flagged figures count apart, as provisional).
"""

from __future__ import annotations

import datetime as dt
import random

from ctxh.core.scoping import SYSTEM
from ctxh.organizations.models import Organization, ResidentCount
from ctxh.organizations.services import (
    HeadcountRow,
    headcount_load,
    headcount_submit,
    previous_period,
)

#: (as of, people in the 92 facilities); the last one is the articles' figure.
PERIODS: tuple[tuple[dt.date, int], ...] = (
    (dt.date(2025, 6, 30), 20_118),
    (dt.date(2025, 12, 31), 20_431),
    (dt.date(2026, 6, 30), 20_699),
)
CITY_RESIDENTS = PERIODS[-1][1]
FACILITY_CODES = [f"CS-{i:03d}" for i in range(1, 93)]
NOTE = "Số liệu mẫu (demo)"


def allocate(total: int, weights: list[int], caps: list[int] | None = None) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), never giving an
    item more than its cap; exact: the parts always add up to ``total``."""
    caps = caps if caps is not None else [total] * len(weights)
    if total > sum(caps):
        raise ValueError(f"{total} does not fit in a capacity of {sum(caps)}")
    parts = [0] * len(weights)
    remaining = total
    while remaining:
        open_items = [i for i in range(len(weights)) if parts[i] < caps[i] and weights[i] > 0]
        if not open_items:  # only zero-weight items have room left
            open_items = [i for i in range(len(weights)) if parts[i] < caps[i]]
        weight_sum = sum(max(weights[i], 1) for i in open_items)
        shares = {i: remaining * max(weights[i], 1) for i in open_items}
        given = 0
        for i in open_items:
            add = min(shares[i] // weight_sum, caps[i] - parts[i])
            parts[i] += add
            given += add
        if given == 0:  # hand out the remainder one by one, largest fraction first
            for i in sorted(open_items, key=lambda i: (-(shares[i] % weight_sum), i)):
                if remaining - given == 0:
                    break
                if parts[i] < caps[i]:
                    parts[i] += 1
                    given += 1
        remaining -= given
    return parts


def headcount_rows() -> list[HeadcountRow]:
    """Every demo figure: period × facility × target group."""
    facilities = list(
        Organization.objects.filter(code__in=FACILITY_CODES)
        .select_related("facility")
        .prefetch_related("facility__target_groups")
        .order_by("code")
    )
    facilities = [f for f in facilities if getattr(f, "facility", None) is not None]
    caps = [f.facility.capacity for f in facilities]
    # Occupancy differs between facilities (75-100 % of capacity), the same every run.
    occupancy = [random.Random(f"occupancy-{f.code}").randint(75, 100) for f in facilities]
    weights = [cap * occ for cap, occ in zip(caps, occupancy)]
    rows = []
    for period_end, total in PERIODS:
        for facility, people in zip(facilities, allocate(total, weights, caps)):
            groups = sorted(facility.facility.target_groups.all(), key=lambda g: g.code)
            if not groups:
                continue
            rng = random.Random(f"groups-{facility.code}")
            split = allocate(people, [rng.randint(1, 4) for _ in groups])
            rows.extend(
                HeadcountRow(facility, period_end, group, count)
                for group, count in zip(groups, split)
            )
    return rows


def load_headcounts() -> int:
    """Write the demo headcounts that are not yet in force; returns the rows added."""
    return headcount_load(by=SYSTEM, rows=headcount_rows(), note=NOTE)


def load_flagged_headcounts(*, managers: dict[str, object]) -> int:
    """The demo's figures awaiting review, submitted by the facilities' own managers
    (``{facility code: user}``) as corrections of the latest period; returns the rows
    added (none on a second run: the same figures are already the latest)."""
    period_end = PERIODS[-1][0]
    added = 0
    for code, user in sorted(managers.items()):
        facility = Organization.objects.select_related("facility").get(code=code)
        latest = dict(  # the accepted figures: the same on every run
            ResidentCount.objects.in_force()
            .filter(facility=facility, period_end=period_end)
            .values_list("target_group__code", "count")
        )
        if not latest:
            continue
        group = sorted(latest)[0]
        if code == "CS-001":  # one group doubled against the previous period
            _date, before = previous_period(facility, period_end)
            group_id = facility.facility.target_groups.get(code=group).pk
            counts = {group: 2 * before.get(group_id, latest[group]) + 7}
            reason = "Tiếp nhận 1 nhóm trẻ từ mái ấm tạm ngừng hoạt động (QĐ chuyển giao)"
        else:  # the total above the capacity
            extra = facility.facility.capacity + 12 - sum(latest.values())
            counts = {group: latest[group] + max(extra, 12)}
            reason = "Tiếp nhận khẩn cấp người lang thang trong đợt mưa bão, chờ chuyển tuyến"
        result = headcount_submit(
            by=user,
            facility=facility,
            period_end=period_end,
            counts=counts,
            note=NOTE,
            confirmed=True,
            reason=reason,
        )
        added += len(result.created)
    return added
