"""Demo periodic reports: two years of quarterly submissions (Q3/2024–Q2/2026, all
approved) from every ward office and facility, and the current round (Q3/2026) under way.

* Facility residents agree with the registry's headcount: the quarters the registry holds
  (30/06/2025, 31/12/2025, 30/06/2026) carry its figures exactly, the others are derived
  from them; approving writes the derived quarters into the registry (one
  ``headcount.load``), so the registry stays the one source of truth. Q2/2026 totals the
  articles' 20.699.
* Ward allowance recipients by the eight groups of Decree 20/2021: Q2/2026 totals the
  articles' 136.036 over the 168 wards.
* People who received social-work services, from wards and facilities.

A few organisations reported late each quarter; in Q3/2026 most have submitted (awaiting
approval), some have not; ward 2's services report was returned with a comment; ward 1's
allowance report of Q1/2026 was corrected after approval (version 1 kept, superseded).
Bulk-written with one summary audit event; a second run writes nothing.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from ctxh.accounts.models import User
from ctxh.core import audit
from ctxh.core.scoping import SYSTEM
from ctxh.monitoring.models import DataSet, Submission, SubmissionValue
from ctxh.monitoring.services.submissions import (
    submission_approve,
    submission_correct,
    submission_return,
    submission_save,
    submission_submit,
    write_through_headcount,
)
from ctxh.organizations.models import FACILITY_KINDS, Organization, ResidentCount

from ..network import allocate

#: Starts of the demo's quarters; the last is the round under way.
QUARTERS = [
    dt.date(2024, 7, 1),
    dt.date(2024, 10, 1),
    dt.date(2025, 1, 1),
    dt.date(2025, 4, 1),
    dt.date(2025, 7, 1),
    dt.date(2025, 10, 1),
    dt.date(2026, 1, 1),
    dt.date(2026, 4, 1),
    dt.date(2026, 7, 1),
]
CURRENT = QUARTERS[-1]
LATEST_APPROVED = QUARTERS[-2]
#: City allowance recipients per quarter; Q2/2026 is the articles' figure.
ALLOWANCE_TOTALS = [131_902, 132_587, 133_240, 133_911, 134_506, 135_118, 135_590, 136_036, 136_420]
ALLOWANCE_SHARES = {  # of the eight groups (elderly and disability are most)
    "d20_1": 40,
    "d20_2": 20,
    "d20_3": 5,
    "d20_4": 50,
    "d20_5": 450,
    "d20_6": 350,
    "d20_7": 10,
    "d20_8": 75,
}
#: Registry periods (as of) and how the quarters without one derive from them.
DERIVED = {
    dt.date(2024, 9, 30): ((dt.date(2025, 6, 30), 96),),
    dt.date(2024, 12, 31): ((dt.date(2025, 6, 30), 97),),
    dt.date(2025, 3, 31): ((dt.date(2025, 6, 30), 98),),
    dt.date(2025, 9, 30): ((dt.date(2025, 6, 30), 50), (dt.date(2025, 12, 31), 50)),
    dt.date(2026, 3, 31): ((dt.date(2025, 12, 31), 50), (dt.date(2026, 6, 30), 50)),
    dt.date(2026, 9, 30): ((dt.date(2026, 6, 30), 100),),
}
RETURN_COMMENT = (
    "Số người được quản lý trường hợp tăng gấp đôi so với quý trước: đề nghị kiểm tra lại."
)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _residents(dataset: DataSet, facilities: list[Organization]) -> dict:
    """``{(facility id, quarter start): {field code: value}}`` agreeing with the registry."""
    registry: dict = {}
    for fid, end, code, count in (
        ResidentCount.objects.in_force()
        .filter(facility__in=facilities)
        .values_list("facility_id", "period_end", "target_group__code", "count")
    ):
        registry.setdefault((fid, end), {})[code] = count
    codes = [f.code for f in dataset.fields.all() if f.target_group_id]
    result = {}
    for start in QUARTERS:
        end = dataset.bounds(start)[1]
        for fac in facilities:
            if (fac.pk, end) in registry:
                figures = registry[(fac.pk, end)]
            else:
                figures = {}
                for source, percent in DERIVED[end]:
                    for code, n in registry.get((fac.pk, source), {}).items():
                        figures[code] = figures.get(code, 0) + n * percent // 100
            if not figures:
                continue
            values = {code: figures.get(code, 0) for code in codes}
            values["total"] = sum(values.values())
            result[(fac.pk, start)] = values
    return result


def _allowance(wards: list[Organization]) -> dict:
    rng = random.Random("allowance-wards")
    weights = [rng.randint(40, 160) for _ in wards]
    groups = list(ALLOWANCE_SHARES)
    result = {}
    for start, total in zip(QUARTERS, ALLOWANCE_TOTALS):
        for ward, people in zip(wards, allocate(total, weights)):
            split = allocate(people, [ALLOWANCE_SHARES[g] for g in groups])
            values = dict(zip(groups, split))
            values["total"] = people
            result[(ward.pk, start)] = values
    return result


def _services(orgs: list[Organization]) -> dict:
    result = {}
    for org in orgs:
        rng = random.Random(f"services-{org.code}")
        base = rng.randint(30, 200) if org.kind in FACILITY_KINDS else rng.randint(15, 120)
        for i, start in enumerate(QUARTERS):
            people = base + rng.randint(0, 25) + 2 * i
            split = allocate(people, [4, 3, 2, 1])
            values = dict(zip(("children", "elderly", "disability", "other"), split))
            values.update(
                total=people,
                counselling=people * 7 // 10,
                case_management=people // 4,
                referral=people * 3 // 20,
            )
            result[(org.pk, start)] = values
    return result


@transaction.atomic
def load_submissions() -> int:
    """Write the demo's periodic reports that are not there yet; returns submissions added."""
    datasets = {d.code: d for d in DataSet.objects.prefetch_related("fields")}
    wards = list(Organization.objects.filter(kind="ward_office").order_by("code"))
    facilities = list(
        Organization.objects.filter(kind__in=FACILITY_KINDS, code__startswith="CS-").order_by(
            "code"
        )
    )
    if not wards or not facilities or len(datasets) < 3:
        return 0
    users = {
        u.username: u for u in User.objects.filter(username__in=["programme", "ward1", "ward2"])
    }
    programme = users.get("programme")
    ward1 = users["ward1"].memberships.filter(active=True).first() if "ward1" in users else None
    ward2 = users["ward2"].memberships.filter(active=True).first() if "ward2" in users else None
    ward1_org = ward1.organization_id if ward1 else wards[0].pk
    ward2_org = ward2.organization_id if ward2 else wards[1].pk

    plans = [
        (datasets["facility_residents"], _residents(datasets["facility_residents"], facilities)),
        (datasets["ward_allowance"], _allowance(wards)),
        (datasets["social_work_services"], _services(wards + facilities)),
    ]
    existing = set(Submission.objects.values_list("dataset_id", "organization_id", "period_start"))
    rows: list[tuple[Submission, dict]] = []
    for dataset, figures in plans:
        for (org_id, start), values in sorted(figures.items(), key=lambda item: item[0]):
            if (dataset.pk, org_id, start) in existing:
                continue
            if dataset.code == "social_work_services" and org_id == ward2_org and start == CURRENT:
                continue  # the returned one, through the services below
            end = dataset.bounds(start)[1]
            deadline = dataset.deadline(end)
            rng = random.Random(f"{dataset.code}-{org_id}-{start}")
            roll = rng.random()
            if start == CURRENT and roll < 0.1:
                continue  # not reported yet
            late = roll > 0.95
            submitted = deadline + dt.timedelta(
                days=rng.randint(2, 12) if late else -rng.randint(0, 15)
            )
            if dataset.code == "ward_allowance" and org_id == ward1_org and start == QUARTERS[6]:
                # Approved with an error in the elderly group, corrected below.
                values = {**values, "d20_5": values["d20_5"] + 5, "total": values["total"] + 5}
            approved = start != CURRENT
            rows.append(
                (
                    Submission(
                        dataset=dataset,
                        organization_id=org_id,
                        period_start=start,
                        period_end=end,
                        status=Submission.Status.APPROVED
                        if approved
                        else Submission.Status.SUBMITTED,
                        created_at=_at(submitted - dt.timedelta(days=2)),
                        submitted_at=_at(submitted),
                        decided_at=_at(submitted + dt.timedelta(days=rng.randint(3, 10)), 15)
                        if approved
                        else None,
                        decided_by=programme if approved else None,
                    ),
                    values,
                )
            )
    if not rows:
        return 0
    created = Submission.objects.bulk_create([s for s, _v in rows], batch_size=1000)
    fields = {(f.dataset_id, f.code): f.pk for d in datasets.values() for f in d.fields.all()}
    SubmissionValue.objects.bulk_create(
        (
            SubmissionValue(submission=s, field_id=fields[(s.dataset_id, code)], value=value)
            for s, (_row, values) in zip(created, rows)
            for code, value in values.items()
        ),
        batch_size=5000,
    )
    residents = [
        s
        for s in created
        if s.dataset_id == datasets["facility_residents"].pk
        and s.status == Submission.Status.APPROVED
    ]
    write_through_headcount(residents, by=SYSTEM)
    audit.record(
        actor=SYSTEM,
        action="submission.load",
        object_type=Submission._meta.label_lower,
        object_repr="Báo cáo định kỳ mẫu (demo)",
        new={
            "submissions": len(created),
            "approved": sum(1 for s in created if s.status == Submission.Status.APPROVED),
            "quarters": [q.isoformat() for q in QUARTERS],
        },
    )
    _stories(datasets, ward1_org, ward2_org, programme or SYSTEM)
    return len(created)


def _stories(datasets, ward1_org: int, ward2_org: int, programme) -> None:
    """The two submissions with a history: ward 1's allowance of Q1/2026 corrected after
    approval (the programme office makes the correction the ward asked for), and ward 2's
    services report of Q3/2026 returned with a comment."""
    allowance = datasets["ward_allowance"]
    first = Submission.objects.filter(
        dataset=allowance, organization_id=ward1_org, period_start=QUARTERS[6], version=1
    ).first()
    if first is not None and first.status == Submission.Status.APPROVED:
        values = {v.field.code: v.value for v in first.values.select_related("field")}
        values["d20_5"] -= 5
        values["total"] -= 5
        correction = submission_correct(submission=first, by=programme)
        submission_save(
            dataset=allowance,
            organization=first.organization,
            period_start=first.period_start,
            values=values,
            by=programme,
        )
        correction.refresh_from_db()
        submission_submit(submission=correction, by=programme)
        submission_approve(
            submission=correction,
            by=programme,
            comment="Điều chỉnh nhóm người cao tuổi theo đề nghị của phường",
        )
    services = datasets["social_work_services"]
    ward2 = Organization.objects.get(pk=ward2_org)
    if not Submission.objects.filter(
        dataset=services, organization=ward2, period_start=CURRENT
    ).exists():
        values = _services([ward2])[(ward2.pk, CURRENT)]
        values["case_management"] *= 2
        s = submission_save(
            dataset=services, organization=ward2, period_start=CURRENT, values=values, by=programme
        )
        submission_submit(submission=s, by=programme)
        submission_return(submission=s, comment=RETURN_COMMENT, by=programme)
