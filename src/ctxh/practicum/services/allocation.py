"""City-wide allocation: start a run (a background job), store its preview, commit it into
proposals, and move a student by hand afterwards.

A run records what decides its outcome (school priority, lottery seed, second pass) so it
can be reproduced and explained. The job's work is :func:`compute_run`; the handler that
the worker calls lives in :mod:`ctxh.practicum.jobs`.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh import matching
from ctxh.core import audit, jobs
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import transition

from ..eligibility import ineligibility
from ..models import (
    AllocationOutcome,
    AllocationRun,
    Offer,
    Placement,
    PlacementPeriod,
    PracticeSite,
    Preference,
    SchoolQuota,
)
from ..selectors.allocation import explain, runs_compare  # reads, re-exported here
from .problem import ProblemMaps, build_problem

logger = logging.getLogger("ctxh.practicum.allocation")

JOB_KIND = "practicum.allocate"


def _require(by, model, action: str, obj=None) -> None:
    scope = scope_for(by, model, action)
    if not (scope.covers_object(obj) if obj is not None else scope.everything):
        raise PermissionDenied


# --- Start a run -------------------------------------------------------------------------


@transaction.atomic
def allocation_start(
    *,
    period: PlacementPeriod,
    by,
    seed: int | str | None = None,
    school_priority=(),
    second_pass: bool = False,
    kind: str = AllocationRun.Kind.MAIN,
    note: str = "",
) -> AllocationRun:
    """Start an allocation run over ``period`` as a background job; return the run.

    The programme office only. A main run needs the preferences frozen (the period in
    allocation); a second run (``kind="second"``, over the students and seats left after
    the facilities' decisions) needs the period in acceptance. ``seed`` (a lottery drawn at
    random when not given) and ``school_priority`` (school ids, first served first) are
    recorded on the run. Runs are numbered per period.
    """
    _require(by, AllocationRun, "run")
    period = PlacementPeriod.objects.select_for_update().get(pk=period.pk)
    if kind not in AllocationRun.Kind.values:
        raise ValidationError(_("Unknown kind of allocation run."))
    needed = (
        PlacementPeriod.Status.ALLOCATION
        if kind == AllocationRun.Kind.MAIN
        else PlacementPeriod.Status.ACCEPTANCE
    )
    if period.status != needed:
        if kind == AllocationRun.Kind.MAIN:
            message = _("Freeze the preferences before running the city-wide allocation.")
        else:
            message = _(
                "A second allocation runs once an allocation is committed, while the "
                "facilities decide."
            )
        raise ValidationError(message, code="status")
    seed = str(seed).strip() if seed not in (None, "") else str(secrets.randbelow(10**9))
    known = set(period.rounds.values_list("school_id", flat=True))
    priority = [int(s) for s in school_priority]
    if len(set(priority)) != len(priority) or not set(priority) <= known:
        raise ValidationError(
            {"school_priority": _("The school priority must list schools of this period once.")}
        )
    number = (period.allocation_runs.aggregate(n=Max("number"))["n"] or 0) + 1
    run = AllocationRun(
        period=period,
        number=number,
        kind=kind,
        seed=seed[:40],
        school_priority=priority,
        second_pass=second_pass,
        note=note.strip(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    run.full_clean()
    run.save()
    run.job = jobs.start_job(
        kind=JOB_KIND,
        title=_("Allocation run %(number)d — %(period)s") % {"number": number, "period": period},
        by=by,
        organization=period.organizer_id,
        params={"run": run.pk},
    )
    run.save(update_fields=["job"])
    audit.record(
        actor=by,
        action="allocationrun.start",
        obj=run,
        organization=period.organizer_id,
        new={
            "kind": kind,
            "seed": run.seed,
            "school_priority": priority,
            "second_pass": second_pass,
        },
    )
    return run


# --- The job's work ----------------------------------------------------------------------


def compute_run(run: AllocationRun, progress=None) -> AllocationRun:
    """Solve ``run`` and store its preview: one outcome per student (bulk insert) and the
    summary; the run becomes ready. Called by the job (or directly, in the benchmark)."""

    def report(percent: int, message: str) -> None:
        if progress is not None:
            progress(percent, message)

    started = time.perf_counter()
    report(5, _("Loading students, preferences and offers"))
    problem, maps = build_problem(
        run.period,
        second=run.kind == AllocationRun.Kind.SECOND,
        seed=run.seed,
        school_priority=run.school_priority,
        second_pass=run.second_pass,
    )
    loaded = time.perf_counter()
    report(35, _("Allocating %(count)s students") % {"count": len(problem.students)})
    result = matching.allocate(problem)
    solved = time.perf_counter()
    report(65, _("Saving the preview"))
    outcomes = _outcomes(run, result, maps)
    summary = summary_of(result, maps, excluded=maps.excluded)
    summary["timings_ms"] = {
        "load": round((loaded - started) * 1000),
        "solve": round((solved - loaded) * 1000),
    }
    with transaction.atomic():
        AllocationOutcome.objects.filter(run=run).delete()
        AllocationOutcome.objects.bulk_create(outcomes, batch_size=2000)
        summary["timings_ms"]["save"] = round((time.perf_counter() - solved) * 1000)
        AllocationRun.objects.filter(pk=run.pk).update(
            status=AllocationRun.Status.READY, summary=summary
        )
    run.status, run.summary = AllocationRun.Status.READY, summary
    report(
        100,
        _("%(placed)s of %(students)s students placed")
        % {"placed": summary["placed"], "students": summary["students"]},
    )
    return run


def fail_run(run: AllocationRun, message: str) -> None:
    """Mark ``run`` failed with ``message`` (its outcomes, if any, are dropped)."""
    with transaction.atomic():
        AllocationOutcome.objects.filter(run=run).delete()
        AllocationRun.objects.filter(pk=run.pk).update(
            status=AllocationRun.Status.FAILED, summary={"error": message}
        )


def _outcomes(run, result: matching.Result, maps: ProblemMaps) -> list[AllocationOutcome]:
    rows = []
    for sid, placement in result.placements.items():
        ranks = maps.ranks[sid]
        explanation = [
            {
                "offer": int(rej.site),
                "rank": ranks[rej.rank - 1],
                "reason": str(rej.reason),
                "detail": rej.detail,
            }
            for rej in result.explanations.get(sid, ())
        ]
        rows.append(
            AllocationOutcome(
                run_id=run.pk,
                student_id=int(sid),
                offer_id=int(placement.site) if placement.site else None,
                instructor_id=int(placement.instructor) if placement.instructor else None,
                rank=ranks[placement.rank - 1] if placement.rank else None,
                outside_preferences=placement.outside_preferences,
                explanation=explanation,
            )
        )
    return rows


def summary_of(result: matching.Result, maps: ProblemMaps, *, excluded: int = 0) -> dict:
    """The run's figures as JSON: totals, unfilled seats per offer and per facility, and
    the figures of each school (names included, so pages read no other row)."""
    s = result.summary
    by_facility: dict[int, dict] = {}
    for offer_id, (facility_id, seats) in maps.offers.items():
        row = by_facility.setdefault(
            facility_id,
            {"id": facility_id, "name": maps.names.get(facility_id, ""), "seats": 0, "unfilled": 0},
        )
        row["seats"] += seats
        row["unfilled"] += s.unfilled_seats.get(str(offer_id), 0)
    facilities = sorted(by_facility.values(), key=lambda r: (-r["unfilled"], r["name"]))
    schools = [
        {
            "id": int(school),
            "name": maps.names.get(int(school), ""),
            "students": f.students,
            "placed": f.placed,
            "first_choice": f.first_choice,
            "top_three": f.top_three,
            "unplaced": f.students - f.placed,
            "mean_rank": round(f.mean_rank, 3) if f.mean_rank is not None else None,
        }
        for school, f in s.per_school.items()
        if school
    ]
    schools.sort(key=lambda r: r["name"])
    return {
        "students": s.students,
        "placed": s.placed,
        "placed_in_preferences": s.placed_in_preferences,
        "placed_outside_preferences": s.placed_outside_preferences,
        "unplaced": s.unplaced,
        "first_choice": s.first_choice,
        "top_three": s.top_three,
        "mean_rank": round(s.mean_rank, 3) if s.mean_rank is not None else None,
        "seats": sum(seats for _f, seats in maps.offers.values()),
        "unfilled_seats": sum(s.unfilled_seats.values()),
        "unfilled_by_offer": {k: v for k, v in s.unfilled_seats.items() if v},
        "facilities": facilities,
        "schools": schools,
        "excluded": excluded,
        "method": result.method,
    }


# --- Commit --------------------------------------------------------------------------------


def _check_capacities(run: AllocationRun, placed: list[tuple]) -> None:
    """Refuse a second run's commit when the seats or students it counted on changed since
    it ran (another run committed, a student placed by hand)."""
    period = run.period
    active = list(
        Placement.objects.filter(period=period, status__in=Placement.ACTIVE).values_list(
            "student_id", "offer_id", "school_id"
        )
    )
    taken = {row[0] for row in active}
    if any(student_id in taken for student_id, *_rest in placed):
        raise ValidationError(
            _("Some students of this run have been placed since it ran. Run it again."),
            code="stale",
        )
    seats = Counter(row[1] for row in active) + Counter(row[1] for row in placed)
    quota = Counter((row[1], row[2]) for row in active) + Counter((r[1], r[3]) for r in placed)
    offers = dict(Offer.objects.filter(pk__in=seats).values_list("pk", "seats"))
    quotas = {
        (o, s): n
        for o, s, n in SchoolQuota.objects.filter(offer_id__in=seats).values_list(
            "offer_id", "school_id", "seats"
        )
    }
    over = [o for o, n in seats.items() if n > offers.get(o, 0)]
    over += [o for (o, s), n in quota.items() if (o, s) in quotas and n > quotas[o, s]]
    if over:
        raise ValidationError(
            _(
                "Seats have been taken since this run; committing it would exceed them. "
                "Run it again."
            ),
            code="stale",
        )


@transaction.atomic
def allocation_commit(*, run: AllocationRun, by) -> AllocationRun:
    """Turn ``run``'s outcomes into proposed placements (one per placed student).

    The programme office only, on a ready run. A main run is committed once per period,
    which moves the period from allocation to acceptance; a second run adds proposals for
    its placed students while the period stays in acceptance (refused if seats or students
    it counted on have changed since). The run is marked committed; one audit event.
    """
    _require(by, AllocationRun, "commit", run)
    run = AllocationRun.objects.select_for_update().select_related("period").get(pk=run.pk)
    period = PlacementPeriod.objects.select_for_update().get(pk=run.period_id)
    if run.status != AllocationRun.Status.READY:
        raise ValidationError(
            _("Only a run ready to review can be committed (this one is “%(status)s”).")
            % {"status": run.get_status_display()},
            code="status",
        )
    main = run.kind == AllocationRun.Kind.MAIN
    if main and period.status != PlacementPeriod.Status.ALLOCATION:
        raise ValidationError(
            _("An allocation of this period has already been committed."), code="committed"
        )
    if not main and period.status != PlacementPeriod.Status.ACCEPTANCE:
        raise ValidationError(
            _("A second allocation is committed while the facilities decide."), code="status"
        )
    placed = list(
        AllocationOutcome.objects.filter(run=run, offer__isnull=False).values_list(
            "student_id", "offer_id", "rank", "student__school_id", "offer__facility_id"
        )
    )
    if main:
        if Placement.objects.filter(period=period, status__in=Placement.ACTIVE).exists():
            raise ValidationError(_("This period already has proposals."), code="committed")
        transition(period, to=PlacementPeriod.Status.ACCEPTANCE, by=by)
    else:
        _check_capacities(run, placed)
    now = timezone.now()
    Placement.objects.bulk_create(
        [
            Placement(
                period_id=period.pk,
                school_id=school_id,
                facility_id=facility_id,
                offer_id=offer_id,
                student_id=student_id,
                run_id=run.pk,
                rank=rank,
                proposed_at=now,
            )
            for student_id, offer_id, rank, school_id, facility_id in placed
        ],
        batch_size=2000,
    )
    AllocationRun.objects.filter(pk=run.pk).update(
        status=AllocationRun.Status.COMMITTED,
        committed_at=now,
        committed_by=by if getattr(by, "is_authenticated", False) else None,
    )
    run.refresh_from_db()
    audit.record(
        actor=by,
        action="allocationrun.commit",
        obj=run,
        organization=period.organizer_id,
        old={"status": AllocationRun.Status.READY},
        new={
            "status": AllocationRun.Status.COMMITTED,
            "kind": run.kind,
            "proposals": len(placed),
            "unplaced": run.summary.get("unplaced"),
        },
    )
    transaction.on_commit(lambda: _after_commit(run))
    return run


def _after_commit(run: AllocationRun) -> None:
    """Once the commit is saved, tell everyone concerned, one notification per group:
    each facility's managers (how many students to decide on, and by when), each school's
    coordinators, and each proposed student (in the app only: ten thousand e-mails do not
    belong in a page's request; the facility and school e-mails carry the news)."""
    from collections import defaultdict

    from django.urls import reverse
    from django.utils.translation import gettext_lazy, ngettext_lazy

    from ctxh.accounts.roles import Role
    from ctxh.core.notifications import notify, translatable

    from .acceptance import members

    rows = list(
        Placement.objects.filter(run=run, status=Placement.Status.PROPOSED).values_list(
            "facility_id", "facility__name", "school_id", "student__user_id"
        )
    )
    logger.info(
        "Allocation run %s of period %s committed: %d proposals", run.pk, run.period_id, len(rows)
    )
    if not rows:
        return
    deadline = timezone.localtime(run.period.acceptance_deadline).strftime("%H:%M %d/%m/%Y")
    board = reverse("practicum:board") + f"?period={run.period_id}"
    by_facility: dict[int, list] = defaultdict(list)
    by_school: dict[int, int] = defaultdict(int)
    for facility_id, facility_name, school_id, user_id in rows:
        by_facility[(facility_id, facility_name)].append(user_id)
        by_school[school_id] += 1
    proposals = reverse("practicum:proposals") + f"?period={run.period_id}"
    from ctxh.accounts.models import User

    students = User.objects.in_bulk([row[3] for row in rows])
    for (facility_id, facility_name), user_ids in by_facility.items():
        notify(
            users=members([facility_id], Role.FACILITY_MANAGER),
            title=translatable(
                ngettext_lazy(
                    "%(count)d student proposed to your facility: decide by %(deadline)s",
                    "%(count)d students proposed to your facility: decide by %(deadline)s",
                    "count",
                ),
                count=len(user_ids),
                deadline=deadline,
            ),
            url=proposals + f"&facility={facility_id}",
        )
        notify(
            users=[students[user_id] for user_id in user_ids if user_id in students],
            title=translatable(
                gettext_lazy("You are proposed for practice at %(facility)s"),
                facility=facility_name,
            ),
            body=translatable(
                gettext_lazy("The facility decides by %(deadline)s."), deadline=deadline
            ),
            url=board,
            email=False,
        )
    for school_id, count in by_school.items():
        notify(
            users=members([school_id], Role.SCHOOL_COORDINATOR),
            title=translatable(
                ngettext_lazy(
                    "The allocation proposed a place to %(count)d of your students",
                    "The allocation proposed places to %(count)d of your students",
                    "count",
                ),
                count=count,
            ),
            url=board,
        )


def record_run_export(*, run: AllocationRun, by, count: int) -> None:
    """Log the download of a run's outcomes (students' names and placements): one event."""
    audit.record(
        actor=by,
        action="allocationrun.export",
        obj=run,
        organization=run.period.organizer_id,
        new={"rows": count},
    )


# --- Moving a student by hand ------------------------------------------------------------


def free_places(offer: Offer) -> dict:
    """What is left of ``offer`` now: ``seats``; ``quotas`` per school id; ``instructors``
    (None when the offer names no instructor, else the places left across them, counting
    undecided proposals at the offer as taking one each)."""
    active = Placement.objects.filter(status__in=Placement.ACTIVE)
    at_offer = list(active.filter(offer=offer).values_list("school_id", "instructor_id"))
    quotas = dict(SchoolQuota.objects.filter(offer=offer).values_list("school_id", "seats"))
    used = Counter(school for school, _i in at_offer)
    instructors = list(offer.instructors.values_list("pk", "capacity"))
    left = None
    if instructors:
        named = Counter(
            active.filter(instructor__in=[pk for pk, _c in instructors]).values_list(
                "instructor_id", flat=True
            )
        )
        undecided = sum(1 for _s, instructor in at_offer if instructor is None)
        left = sum(max(0, cap - named[pk]) for pk, cap in instructors) - undecided
    return {
        "seats": offer.seats - len(at_offer),
        "quotas": {school: n - used[school] for school, n in quotas.items()},
        "instructors": left,
    }


def move_targets(placement: Placement) -> list[Offer]:
    """The published offers of the placement's period (other than its own) that its
    student is eligible for and that have room for them: the choices of a move."""
    student = placement.student
    offers = list(
        Offer.objects.filter(period_id=placement.period_id, status=Offer.Status.PUBLISHED)
        .exclude(pk=placement.offer_id)
        .select_related("facility")
        .prefetch_related("instructors")
    )
    sites = {
        s.facility_id: s
        for s in PracticeSite.objects.filter(facility_id__in=[o.facility_id for o in offers])
    }
    active = Placement.objects.filter(status__in=Placement.ACTIVE)
    seats_used = Counter(
        active.filter(period_id=placement.period_id).values_list("offer_id", flat=True)
    )
    result = []
    for offer in offers:
        if seats_used[offer.pk] >= offer.seats:
            continue
        if ineligibility(student, offer, sites.get(offer.facility_id)):
            continue
        result.append(offer)
    return result


@transaction.atomic
def placement_move(*, placement: Placement, offer: Offer, by, reason: str) -> Placement:
    """Move a placed student to another offer by hand, after the commit; return the new
    (proposed) placement.

    The programme office only, with a reason. The target must be a published offer of the
    same period that the student is eligible for, with a free seat, room in its quota for
    the student's school, and a field instructor with a free place if it names any. The
    target offer is locked, so two moves never exceed its seats. The old placement is
    withdrawn (through the transition table) and a new proposal made; audited
    ``placement.move`` with both offers.
    """
    _require(by, Placement, "move", placement)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the student is moved.")})
    target = Offer.objects.select_for_update().select_related("facility").get(pk=offer.pk)
    current = Placement.objects.select_related("student__round", "period").get(pk=placement.pk)
    if current.status not in (Placement.Status.PROPOSED, Placement.Status.ACCEPTED):
        raise ValidationError(
            _("Only a proposed or accepted placement can be moved."), code="status"
        )
    if current.period.status != PlacementPeriod.Status.ACCEPTANCE:
        raise ValidationError(
            _("Students are moved by hand after the allocation is committed."), code="status"
        )
    if target.period_id != current.period_id or target.pk == current.offer_id:
        raise ValidationError({"offer": _("Choose another offer of the same period.")})
    if target.status != Offer.Status.PUBLISHED:
        raise ValidationError({"offer": _("This offer is not published.")})
    site = PracticeSite.objects.filter(facility_id=target.facility_id).first()
    why = ineligibility(current.student, target, site)
    if why:
        raise ValidationError({"offer": why})
    room = free_places(target)
    if room["seats"] <= 0:
        raise ValidationError({"offer": _("This offer has no free seat.")})
    if room["quotas"].get(current.school_id, 1) <= 0:
        raise ValidationError({"offer": _("This offer's quota for the student's school is full.")})
    if room["instructors"] is not None and room["instructors"] <= 0:
        raise ValidationError(
            {"offer": _("The field instructors of this offer have no free place.")}
        )
    old_offer = current.offer_id
    transition(current, to=Placement.Status.WITHDRAWN, by=by, reason=reason)
    rank = (
        Preference.objects.filter(student_id=current.student_id, offer=target)
        .values_list("rank", flat=True)
        .first()
    )
    moved = Placement(
        student_id=current.student_id,
        offer=target,
        period_id=current.period_id,
        school_id=current.school_id,
        facility_id=target.facility_id,
        rank=rank,
        proposed_at=timezone.now(),
        moved_reason=reason[:500],
    )
    moved.full_clean(exclude=["student", "period", "school", "offer", "facility"])
    moved.save()
    audit.record(
        actor=by,
        action="placement.move",
        obj=moved,
        organization=target.facility_id,
        old={"offer": old_offer, "placement": current.pk},
        new={"offer": target.pk, "reason": reason},
    )
    return moved


__all__ = [
    "JOB_KIND",
    "allocation_commit",
    "allocation_start",
    "build_problem",
    "compute_run",
    "explain",
    "fail_run",
    "free_places",
    "move_targets",
    "placement_move",
    "record_run_export",
    "runs_compare",
    "summary_of",
]
