"""Two earlier years and the period in practice now (part 2 of the practicum demo).

* :func:`load_earlier_years`: one closed period a year for the two years before the
  previous semester, with the same students' rounds (the demo accounts aside), offers,
  the facilities' decisions (each facility its own pace and share of declines, changing
  from year to year) and, through :func:`.history.load_outcomes`, what became of them;
* :func:`load_running`: a period in practice now (started five weeks ago): part of the
  current students are in practice with logbooks approved up to last week and entries
  waiting for approval, ``student1`` among them with ``instructor1``; ``instructor2``'s
  facility has students too.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

from django.utils import timezone

from ctxh.practicum.models import (
    LearningAgreement,
    LogEntry,
    Offer,
    Placement,
    PlacementPeriod,
)

from . import students as student_data
from .history import _at, decline_reason, load_outcomes, logbook
from .network import load_offers
from .plan import (
    FACILITY_ACCOUNTS,
    GRADUATION,
    GROUP,
    MAX_CHOICES,
    SEATS_FINISHED,
    STUDENT_ACCOUNTS,
    U3,
    U4,
)

P = Placement.Status
RANKS, RANK_WEIGHTS = (1, 2, 3, 4, 5), (55, 20, 12, 8, 5)


def _period(agency, name, starts, ends, *, status, by, decided_at) -> PlacementPeriod:
    return PlacementPeriod.objects.create(
        organizer=agency,
        name=name,
        starts_on=starts,
        ends_on=ends,
        preference_deadline=decided_at - dt.timedelta(days=4),
        acceptance_deadline=decided_at + dt.timedelta(days=14),
        max_choices=MAX_CHOICES,
        status=status,
        created_by=by,
    )


def _kinds(members) -> dict:
    kinds: dict = {}
    for person, kind in members:
        kinds.setdefault(person.school, []).append(kind)
    return kinds


def _place(
    rng: random.Random,
    *,
    period,
    students,
    offered,
    proposed_at: dt.datetime,
    managers: dict,
    delay: dict,
    decline: dict,
    favour: tuple[int, ...] = (),
    pinned: dict | None = None,
) -> list[Placement]:
    """Propose each student an offer of their round's kind with a free seat (the
    ``favour``-ed facilities first, ``pinned`` students to their offer), the facility
    decides after its ``delay`` days: declined (``decline`` share, the student then gets
    another offer, accepted) or accepted with one of the offer's instructors."""
    seats = {o.pk: o.seats for o in offered.offers if o.status == Offer.Status.PUBLISHED}
    places = {pi.pk: pi.capacity for pis in offered.offer_instructors.values() for pi in pis}
    by_kind = defaultdict(list)
    for offer in offered.offers:
        if offer.pk in seats:
            by_kind[(offer.practice_type, offer.level)].append(offer)
    pinned = pinned or {}
    made = []

    def pick(student, exclude=()):
        if student.pk in pinned and seats.get(pinned[student.pk].pk):
            return pinned[student.pk]
        options = [
            o
            for o in by_kind[(student.round.practice_type, student.round.level)]
            if seats[o.pk] > 0 and o.pk not in exclude
        ]
        preferred = [o for o in options if o.facility_id in favour]
        return rng.choice(preferred or options) if options else None

    def instructor(offer):
        for pi in offered.offer_instructors.get(offer.pk, []):
            if places[pi.pk] > 0:
                places[pi.pk] -= 1
                return pi
        return None

    for student in students:
        offer = pick(student)
        if offer is None or (student.pk not in pinned and rng.random() < 0.03):
            continue
        when = proposed_at
        for attempt in (0, 1):
            facility = offer.facility_id
            placement = Placement(
                student=student,
                offer=offer,
                period=period,
                school_id=student.school_id,
                facility_id=facility,
                rank=rng.choices(RANKS, RANK_WEIGHTS)[0] if attempt == 0 else None,
                proposed_at=when,
                decided_at=when
                + dt.timedelta(days=max(0, delay[facility] + rng.randint(-1, 1)), hours=3),
                decided_by=managers.get(facility),
            )
            made.append(placement)
            declined = (
                attempt == 0 and student.pk not in pinned and rng.random() < decline[facility]
            )
            if declined:
                placement.status = P.DECLINED
                placement.decline_reason = decline_reason(rng)
                offer = pick(student, exclude={offer.pk})
                if offer is None:
                    break
                when = placement.decided_at + dt.timedelta(days=2)
                continue
            pi = instructor(offer)
            if pi is None:  # no instructor place left: declined for that reason
                placement.status = P.DECLINED
                placement.decline_reason = decline_reason(rng)
                break
            placement.status, placement.instructor = P.ACCEPTED, pi
            seats[offer.pk] -= 1
            break
    Placement.objects.bulk_create(made, batch_size=1000)
    return made


def _facility_habits(rng: random.Random, network) -> tuple[dict, dict]:
    ids = [f.pk for f in network.facilities]
    delay = {f: rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 8, 10]) for f in ids}
    decline = {f: rng.choice([0.0, 0.02, 0.04, 0.05, 0.08, 0.12, 0.18]) for f in ids}
    return delay, decline


def load_earlier_years(
    *,
    rng: random.Random,
    network,
    agency,
    members,
    finished: PlacementPeriod,
    schools,
    managers: dict,
    published_by: dict,
    by,
    rubrics: dict,
    quality: dict,
) -> list[dict]:
    """The two years before ``finished``: one closed period each (see the module)."""
    members = [(p, kind) for p, kind in members if p.username not in STUDENT_ACCOUNTS]
    summaries = []
    for years_back in (2, 1):
        shift = dt.timedelta(weeks=52 * years_back)
        starts, ends = finished.starts_on - shift, finished.ends_on - shift
        decided_at = _at(starts - dt.timedelta(days=30), 9)
        period = _period(
            agency,
            f"Kỳ thực tập {starts:%m/%Y} – {ends:%m/%Y}",
            starts,
            ends,
            status=PlacementPeriod.Status.CLOSED,
            by=by,
            decided_at=decided_at,
        )
        rounds = student_data.load_rounds(period=period, kinds=_kinds(members))
        students = student_data.load_students(period=period, rounds=rounds, members=members)
        offered = load_offers(
            rng=rng,
            network=network,
            period=period,
            demand=Counter(kind for _p, kind in members),
            seats=SEATS_FINISHED,
            forced={},
            published_at=decided_at - dt.timedelta(days=40),
            published_by=published_by,
            schools=schools,
        )
        delay, decline = _facility_habits(rng, network)
        made = _place(
            rng,
            period=period,
            students=students,
            offered=offered,
            proposed_at=decided_at,
            managers=managers,
            delay=delay,
            decline=decline,
        )
        outcomes = load_outcomes(rng=rng, period=period, rubrics=rubrics, quality=quality)
        summaries.append(
            {
                "period": period,
                "students": len(students),
                "proposed": len(made),
                "offers": len(offered.offers),
                **outcomes,
            }
        )
    return summaries


def load_running(
    *,
    rng: random.Random,
    network,
    agency,
    people,
    schools,
    managers: dict,
    published_by: dict,
    by,
    per_school: int = 40,
) -> dict:
    """The period in practice now (see the module)."""
    today, now = timezone.localdate(), timezone.now()
    starts, ends = today - dt.timedelta(days=35), today + dt.timedelta(days=70)
    period = _period(
        agency,
        f"Kỳ thực tập {starts:%m/%Y} – {ends:%m/%Y} (đang thực tập)",
        starts,
        ends,
        status=PlacementPeriod.Status.ACCEPTANCE,
        by=by,
        decided_at=_at(starts - dt.timedelta(days=25), 9),
    )
    by_school = defaultdict(list)
    for person in people:
        by_school[person.school.pk].append(person)
    chosen = {id(p) for p in people if p.username == "student1"}  # student2: nothing yet
    for group in by_school.values():
        others = [p for p in group if p.username not in STUDENT_ACCOUNTS]
        chosen |= {id(p) for p in rng.sample(others, min(per_school, len(others)))}
    members = [(p, p.kind) for p in people if id(p) in chosen]
    rounds = student_data.load_rounds(period=period, kinds=_kinds(members))
    students = student_data.load_students(period=period, rounds=rounds, members=members)
    by_code = {f.code: f for f in network.facilities}
    offered = load_offers(
        rng=rng,
        network=network,
        period=period,
        demand=Counter(kind for _p, kind in members),
        seats=int(len(members) * 1.3),
        forced={
            "CS-001": [(GROUP, U3), (GRADUATION, U4)],
            "CS-030": [(GROUP, U3), (GRADUATION, U4)],
        },
        published_at=now - dt.timedelta(days=80),
        published_by=published_by,
        schools=schools,
    )
    pinned = {}
    student1 = next((s for s, (p, _k) in zip(students, members) if p.username == "student1"), None)
    facility1 = by_code.get("CS-001")
    if student1 is not None and facility1 is not None:
        pinned[student1.pk] = next(
            o
            for o in offered.offers
            if o.facility_id == facility1.pk and (o.practice_type, o.level) == (GROUP, U3)
        )
    favour = tuple(by_code[c].pk for c in FACILITY_ACCOUNTS if c in by_code)
    delay, decline = _facility_habits(rng, network)
    made = _place(
        rng,
        period=period,
        students=students,
        offered=offered,
        proposed_at=_at(starts - dt.timedelta(days=30), 9),
        managers=managers,
        delay=delay,
        decline=decline,
        favour=favour,
        pinned=pinned,
    )
    practising = [p for p in made if p.status == P.ACCEPTED]
    emails = {email for _m, email in FACILITY_ACCOUNTS.values()}
    demo_instructors = {
        pi.pk
        for pis in offered.offer_instructors.values()
        for pi in pis
        if pi.instructor.person.email in emails
    }
    users = {
        pi.pk: pi.instructor.user_id for pis in offered.offer_instructors.values() for pi in pis
    }
    pace = defaultdict(lambda: rng.choice((1, 2, 3, 5)))
    entries, agreements = [], []
    yesterday = today - dt.timedelta(days=1)
    last_working = yesterday - dt.timedelta(days=max(0, yesterday.weekday() - 4))
    for p in practising:
        p.status, p.started_at = P.IN_PRACTICE, _at(starts, 8)
        required = p.student.round.required_hours
        elapsed = (today - starts).days / (ends - starts).days
        demo = p.instructor_id in demo_instructors
        made_entries = logbook(
            rng,
            p,
            hours_needed=required * elapsed * rng.uniform(0.55, 1.1),
            start=starts,
            end=last_working - dt.timedelta(days=1),
            pace_days=4 if demo else pace[p.instructor_id],
            decided_before=now,
            decided_by_id=users.get(p.instructor_id),
        )
        if demo or rng.random() < 0.5:  # the last working day's entry waits for approval
            made_entries.append(
                LogEntry(
                    placement=p,
                    date=last_working,
                    hours=rng.choice((6, 8)),
                    activity="casework",
                    description="Vãng gia, cập nhật hồ sơ ca và trao đổi với cán bộ phụ trách",
                    status=LogEntry.Status.SUBMITTED,
                    submitted_at=_at(last_working, 19),
                )
            )
        entries += made_entries
        agreed = rng.random() < 0.8
        proposed = p.started_at + dt.timedelta(days=4)
        agreements.append(
            LearningAgreement(
                placement=p,
                status=LearningAgreement.Status.AGREED
                if agreed
                else LearningAgreement.Status.PROPOSED,
                proposed_at=proposed,
                instructor_approved_at=proposed + dt.timedelta(days=1) if agreed else None,
                instructor_approved_by_id=users.get(p.instructor_id) if agreed else None,
                coordinator_approved_at=proposed + dt.timedelta(days=2) if agreed else None,
                agreed_at=proposed + dt.timedelta(days=2) if agreed else None,
            )
        )
    Placement.objects.filter(pk__in=[p.pk for p in practising]).update(
        status=P.IN_PRACTICE, started_at=_at(starts, 8)
    )
    LogEntry.objects.bulk_create(entries, batch_size=2000)
    LearningAgreement.objects.bulk_create(agreements, batch_size=1000)
    waiting = sum(1 for e in entries if e.status == LogEntry.Status.SUBMITTED)
    return {
        "period": period,
        "students": len(students),
        "in_practice": len(practising),
        "log_entries": len(entries),
        "waiting_entries": waiting,
        "agreements": len(agreements),
    }
