"""The finished period's history: its allocation runs, the facilities' decisions, and the
second allocation of the students declined or left unplaced.

:func:`_finished_period_allocation` builds the engine's problem from the rows already in
memory, calls :func:`ctxh.matching.allocate` and stores the run, its outcomes and (when
committed) the proposed placements. It stands in for the practicum's allocation service
(run + commit), which this branch does not have yet: swap it for that service's calls.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from functools import partial

from ctxh import matching
from ctxh.practicum.eligibility import ineligibility
from ctxh.practicum.models import (
    AllocationOutcome,
    AllocationRun,
    Offer,
    PeriodInstructor,
    Placement,
    PlacementPeriod,
    Preference,
    SchoolQuota,
    Student,
)

from .plan import DECLINE_REASONS

DECLINED_BY_FACILITY = "Cơ sở đã từ chối tiếp nhận sinh viên này trong lần phân bổ trước."


def _finished_period_allocation(
    *,
    period: PlacementPeriod,
    number: int,
    seed: str,
    students: list[Student],
    preferences: Iterable[Preference],
    offers: list[Offer],
    offer_instructors: dict[int, list[PeriodInstructor]],
    quotas: list[SchoolQuota],
    sites: dict,
    by,
    run_at: dt.datetime,
    commit: bool,
    accepted: Iterable[Placement] = (),
    declined: Iterable[Placement] = (),
    decide: Callable[[list[Placement], dict[int, int | None]], object] | None = None,
) -> tuple[AllocationRun, list[Placement]]:
    """Run the city-wide allocation of ``period`` for ``students`` (all of them for the main
    run; for a second run, those declined or left unplaced, on the seats and instructor
    places the ``accepted`` placements leave, never moving them, a declined pair forbidden)
    and store the run with its outcomes; with ``commit`` the run is committed at ``run_at``
    and its placements proposed. ``decide(placements, instructor_of)`` may take the
    facilities' decisions before the placements are written (one insert instead of an
    insert and a bulk update: the demo's shortcut for the acceptance services); it gets the
    engine's instructor id per student id. Returns (run, placements)."""
    second = bool(accepted or declined)
    accepted, declined = list(accepted), list(declined)
    taken_seats = Counter(p.offer_id for p in accepted)
    taken_quota = Counter((p.offer_id, p.school_id) for p in accepted)
    taken_places = Counter(p.instructor_id for p in accepted if p.instructor_id)
    ranked: dict[int, list[Preference]] = defaultdict(list)
    for preference in sorted(preferences, key=lambda p: (p.student_id, p.rank)):
        ranked[preference.student_id].append(preference)
    by_offer = {o.pk: o for o in offers}
    forbidden: dict[tuple[str, str], str] = {}
    for student in students:
        for preference in ranked[student.pk]:
            offer = by_offer[preference.offer_id]
            reason = ineligibility(student, offer, sites.get(offer.facility_id))
            if reason:
                forbidden[(str(student.pk), str(offer.pk))] = reason
    wanted = {s.pk for s in students}
    for placement in declined:
        if placement.student_id in wanted:
            forbidden[(str(placement.student_id), str(placement.offer_id))] = DECLINED_BY_FACILITY
    quota_of = defaultdict(dict)
    for quota in quotas:
        quota_of[quota.offer_id][str(quota.school_id)] = max(
            0, quota.seats - taken_quota[(quota.offer_id, quota.school_id)]
        )
    published = [o for o in offers if o.status == Offer.Status.PUBLISHED]
    instructors = {pi.pk: pi for o in published for pi in offer_instructors.get(o.pk, [])}
    problem = matching.Problem(
        students=[
            matching.Student(
                id=str(s.pk),
                preferences=[str(p.offer_id) for p in ranked[s.pk]],
                school=str(s.school_id),
            )
            for s in students
        ],
        sites=[
            matching.Site(
                id=str(o.pk),
                capacity=max(0, o.seats - taken_seats[o.pk]),
                instructors=[str(pi.pk) for pi in offer_instructors.get(o.pk, [])],
                school_quotas=quota_of.get(o.pk, {}),
            )
            for o in published
        ],
        instructors=[
            matching.Instructor(id=str(pk), capacity=max(0, pi.capacity - taken_places[pk]))
            for pk, pi in instructors.items()
        ],
        forbidden=forbidden,
        seed=seed,
        max_choices=period.max_choices,
        second_pass=second,
    )
    result = matching.allocate(problem)
    run = AllocationRun.objects.create(
        period=period,
        number=number,
        kind=AllocationRun.Kind.SECOND if second else AllocationRun.Kind.MAIN,
        status=AllocationRun.Status.COMMITTED if commit else AllocationRun.Status.READY,
        seed=seed,
        second_pass=second,
        summary={**dataclasses.asdict(result.summary), "method": result.method},
        created_by=by,
        committed_at=run_at if commit else None,
        committed_by=by if commit else None,
    )
    AllocationRun.objects.filter(pk=run.pk).update(created_at=run_at - dt.timedelta(hours=2))
    outcomes, placements, instructor_of = [], [], {}
    by_student = {s.pk: s for s in students}
    for key, placed in result.placements.items():
        student = by_student[int(key)]
        offer = by_offer[int(placed.site)] if placed.site else None
        instructor_id = int(placed.instructor) if placed.instructor else None
        instructor_of[student.pk] = instructor_id
        outcomes.append(
            AllocationOutcome(
                run=run,
                student=student,
                offer=offer,
                instructor_id=instructor_id,
                rank=placed.rank,
                outside_preferences=placed.outside_preferences,
                explanation=[
                    {
                        "offer": int(r.site),
                        "rank": r.rank,
                        "reason": r.reason.value,
                        "detail": r.detail,
                    }
                    for r in result.explanations[key]
                ],
            )
        )
        if commit and offer is not None:
            placements.append(
                Placement(
                    student=student,
                    offer=offer,
                    period=period,
                    school_id=student.school_id,
                    facility_id=offer.facility_id,
                    run=run,
                    rank=placed.rank,
                    proposed_at=run_at,
                )
            )
    AllocationOutcome.objects.bulk_create(outcomes, batch_size=1000)
    if decide is not None:
        decide(placements, instructor_of)
    Placement.objects.bulk_create(placements, batch_size=1000)
    return run, placements


def take_decisions(
    placements: list[Placement],
    instructor_of: dict[int, int | None],
    *,
    rng: random.Random,
    managers: dict[int, object],
    decline_share: float | dict[int, float],
    delay_days: dict[int, int],
) -> None:
    """Each facility accepts its proposed students (naming the engine's instructor) or
    declines some with a reason, a few days after the proposal (its own pace)."""
    for placement in placements:
        facility = placement.facility_id
        days = max(0, delay_days[facility] + rng.randint(-1, 1))
        placement.decided_at = placement.proposed_at + dt.timedelta(
            days=days, hours=rng.randint(1, 8), minutes=rng.randint(0, 59)
        )
        placement.decided_by = managers.get(facility)
        share = decline_share if isinstance(decline_share, float) else decline_share[facility]
        if rng.random() < share:
            placement.status = Placement.Status.DECLINED
            placement.decline_reason = rng.choice(DECLINE_REASONS)
        else:
            placement.status = Placement.Status.ACCEPTED
            placement.instructor_id = instructor_of.get(placement.student_id)


def _split(placements: list[Placement]) -> tuple[list[Placement], list[Placement]]:
    accepted = [p for p in placements if p.status == Placement.Status.ACCEPTED]
    return accepted, [p for p in placements if p.status == Placement.Status.DECLINED]


def load_history(
    *,
    rng: random.Random,
    period: PlacementPeriod,
    students: list[Student],
    preferences: list[Preference],
    offers: list[Offer],
    offer_instructors: dict[int, list[PeriodInstructor]],
    quotas: list[SchoolQuota],
    sites: dict,
    by,
    managers: dict[int, object],
    committed_at: dt.datetime,
    second_at: dt.datetime,
) -> dict[str, int]:
    """Run 1 (a preview not chosen), run 2 (committed, decided), run 3 (the second
    allocation, committed and decided)."""
    common = {
        "period": period,
        "offers": offers,
        "offer_instructors": offer_instructors,
        "quotas": quotas,
        "sites": sites,
        "by": by,
    }
    _finished_period_allocation(
        number=1,
        seed="418027",
        students=students,
        preferences=preferences,
        run_at=committed_at - dt.timedelta(days=1),
        commit=False,
        **common,
    )
    facilities = sorted({o.facility_id for o in offers})
    delay = {f: rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 8]) for f in facilities}
    share = {f: rng.choice([0.0, 0.02, 0.04, 0.05, 0.08, 0.12]) for f in facilities}
    _run, proposed = _finished_period_allocation(
        number=2,
        seed="903115",
        students=students,
        preferences=preferences,
        run_at=committed_at,
        commit=True,
        decide=partial(
            take_decisions, rng=rng, managers=managers, decline_share=share, delay_days=delay
        ),
        **common,
    )
    accepted, declined = _split(proposed)
    placed = {p.student_id for p in accepted}
    _run, proposed_2 = _finished_period_allocation(
        number=3,
        seed="266540",
        students=[s for s in students if s.pk not in placed],
        preferences=[p for p in preferences if p.student_id not in placed],
        run_at=second_at,
        commit=True,
        accepted=accepted,
        declined=declined,
        decide=partial(
            take_decisions,
            rng=rng,
            managers=managers,
            decline_share=0.03,
            delay_days={f: min(days, 3) for f, days in delay.items()},
        ),
        **common,
    )
    accepted_2, declined_2 = _split(proposed_2)
    return {
        "runs": 3,
        "students": len(students),
        "proposed": len(proposed) + len(proposed_2),
        "accepted": len(accepted) + len(accepted_2),
        "declined": len(declined) + len(declined_2),
        "unplaced": len(students) - len(accepted) - len(accepted_2),
    }
