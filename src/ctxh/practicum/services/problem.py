"""The allocation problem of a period, read from the database in a handful of queries.

:func:`build_problem` turns a period's students, preferences, published offers, quotas and
field instructors into a :class:`ctxh.matching.Problem`, and returns beside it the maps
needed to store the engine's result (engine ids are strings of primary keys; ranks are the
students' own ranks, which may have gaps).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ctxh import matching
from ctxh.organizations.models import Organization

from ..eligibility import ineligibility
from ..models import (
    Offer,
    PeriodInstructor,
    Placement,
    PlacementPeriod,
    PracticeSite,
    Preference,
    Round,
    SchoolQuota,
    Student,
)


@dataclass
class ProblemMaps:
    """What the caller needs to turn engine ids and ranks back into rows."""

    #: student id (str) → the student's own ranks, in the order given to the engine
    ranks: dict[str, list[int]] = field(default_factory=dict)
    #: student id (str) → school id
    school_of: dict[str, int] = field(default_factory=dict)
    #: offer id → (facility id, seats given to the engine)
    offers: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: organisation id → name (the period's schools and facilities)
    names: dict[int, str] = field(default_factory=dict)
    #: students left out of a second allocation (they have a proposal or a place)
    excluded: int = 0


def _capacity_left(total: int, used: int) -> int:
    return max(0, total - used)


def build_problem(
    period: PlacementPeriod,
    *,
    second: bool = False,
    seed: int | str = 0,
    school_priority=(),
    second_pass: bool = False,
) -> tuple[matching.Problem, ProblemMaps]:
    """The engine's problem for ``period`` (all its schools together).

    Sites are the published offers (capacity: seats); instructors the period's field
    instructors; school quotas the offers' :class:`SchoolQuota` rows; every ranked pair the
    student is not eligible for is forbidden, with the translated reason. For a ``second``
    allocation only students without a proposed or accepted placement take part, and seats,
    quotas and instructor places already taken by those placements are subtracted; an offer
    whose facility declined a student is forbidden to that student. Preferences of offers no
    longer published stay in the lists (so ranks keep their meaning) as forbidden pairs.
    """
    maps = ProblemMaps()
    rounds = {r.pk: r for r in Round.objects.filter(period=period)}
    offers = {
        o.pk: o
        for o in Offer.objects.filter(period=period).only(
            "id", "period_id", "facility_id", "practice_type", "level", "seats", "status"
        )
    }
    facility_ids = {o.facility_id for o in offers.values()}
    sites = {s.facility_id: s for s in PracticeSite.objects.filter(facility_id__in=facility_ids)}
    school_ids = {r.school_id for r in rounds.values()}
    maps.names = dict(
        Organization.objects.filter(pk__in=facility_ids | school_ids).values_list("pk", "name")
    )

    active = []
    declined: set[tuple[int, int]] = set()
    if second:
        for student_id, offer_id, school_id, instructor_id, status in Placement.objects.filter(
            period=period
        ).values_list("student_id", "offer_id", "school_id", "instructor_id", "status"):
            if status in Placement.ACTIVE:
                active.append((student_id, offer_id, school_id, instructor_id))
            elif status == Placement.Status.DECLINED:
                declined.add((student_id, offer_id))
    placed_ids = {row[0] for row in active}
    used_seats = Counter(row[1] for row in active)
    used_quota = Counter((row[1], row[2]) for row in active)
    used_instructor = Counter(row[3] for row in active if row[3] is not None)

    instructors = [
        matching.Instructor(str(pk), _capacity_left(cap, used_instructor[pk]))
        for pk, cap in PeriodInstructor.objects.filter(period=period).values_list("pk", "capacity")
    ]
    offer_instructors: dict[int, list[str]] = defaultdict(list)
    through = Offer.instructors.through.objects.filter(offer__period=period)
    for offer_id, instructor_id in through.values_list("offer_id", "periodinstructor_id"):
        offer_instructors[offer_id].append(str(instructor_id))
    quotas: dict[int, dict[str, int]] = defaultdict(dict)
    for offer_id, school_id, seats in SchoolQuota.objects.filter(offer__period=period).values_list(
        "offer_id", "school_id", "seats"
    ):
        quotas[offer_id][str(school_id)] = _capacity_left(seats, used_quota[offer_id, school_id])

    students: dict[int, Student] = {}
    for pk, round_id, school_id, gender, vaccinated, languages in Student.objects.filter(
        period=period
    ).values_list("pk", "round_id", "school_id", "gender", "vaccinated", "languages"):
        if pk in placed_ids:
            maps.excluded += 1
            continue
        student = Student(
            pk=pk,
            period_id=period.pk,
            school_id=school_id,
            gender=gender,
            vaccinated=vaccinated,
            languages=languages,
        )
        student.round = rounds[round_id]
        students[pk] = student

    prefs: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for student_id, offer_id, rank in (
        Preference.objects.filter(student__period=period)
        .order_by("student_id", "rank")
        .values_list("student_id", "offer_id", "rank")
    ):
        if student_id in students:
            prefs[student_id].append((offer_id, rank))

    published = Offer.Status.PUBLISHED
    withdrawn = _("The offer is no longer published.")
    refused = _("The facility declined this student for this offer.")
    forbidden: dict[tuple[str, str], str] = {}
    cache: dict[tuple, str] = {}
    ranked_offers: set[int] = set()
    engine_students = []
    for pk, student in students.items():
        sid = str(pk)
        ranked = prefs.get(pk, [])
        maps.ranks[sid] = [rank for _offer, rank in ranked]
        maps.school_of[sid] = student.school_id
        for offer_id, _rank in ranked:
            ranked_offers.add(offer_id)
            offer = offers[offer_id]
            if offer.status != published:
                reason = withdrawn
            elif (pk, offer_id) in declined:
                reason = refused
            else:
                # Eligibility depends on the round and three facts about the student only.
                key = (student.round.pk, student.gender, student.vaccinated, student.languages)
                key = (*key, offer_id)
                reason = cache.get(key)
                if reason is None:
                    reason = cache[key] = ineligibility(
                        student, offer, sites.get(offer.facility_id)
                    )
            if reason:
                forbidden[sid, str(offer_id)] = reason
        engine_students.append(
            matching.Student(sid, [str(o) for o, _r in ranked], school=str(student.school_id))
        )

    engine_sites = []
    for pk, offer in offers.items():
        if offer.status != published and pk not in ranked_offers:
            continue
        seats = _capacity_left(offer.seats, used_seats[pk]) if offer.status == published else 0
        maps.offers[pk] = (offer.facility_id, seats)
        engine_sites.append(
            matching.Site(
                str(pk),
                seats,
                instructors=offer_instructors.get(pk, ()),
                school_quotas=quotas.get(pk, {}),
            )
        )
    problem = matching.Problem(
        students=engine_students,
        sites=engine_sites,
        instructors=instructors,
        forbidden=forbidden,
        school_priority=[str(s) for s in school_priority],
        seed=seed,
        max_choices=None,  # the preference services enforce the period's number of choices
        second_pass=second_pass,
    )
    return problem, maps
