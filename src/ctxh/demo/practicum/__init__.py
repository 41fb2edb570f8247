"""The practicum's demo data, loaded at the end of ``ctxh demo``.

The practice network (every facility with field instructors in the workforce registry:
about 60 sites and the registry's 300 instructors), the seven schools' students (about 150
each, with a student account at their school), and two placement periods:

* the current one at the preference stage (preferences close in five days): the schools'
  rounds, about 1.200 seats, most students' ranked choices among the offers they are
  eligible for, about one in ten without any yet;
* the previous semester's, closed: the same students' earlier rounds, its allocation runs
  (a preview, the committed run, the second allocation) and every facility's decisions.

The demo accounts take part: ``student1`` (with preferences, facility1's offer first) and
``student2`` (none yet) in school1's first round, ``student3`` in school2's; facility1's
offers name ``instructor1``, who supervised some of its students last semester.

Deterministic (one seeded generator) and fast: rows are written in bulk, the students'
password hashed once, and each bulk load records ONE summary audit event (counts only,
nothing personal). Like the workforce, it is written once: a database that already has
practicum data is left as it is (a second run writes nothing and audits nothing).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from django.utils import timezone

from ctxh.accounts.models import User
from ctxh.core import audit
from ctxh.core.scoping import SYSTEM
from ctxh.organizations.models import Organization
from ctxh.practicum.models import Offer, PlacementPeriod, PracticeSite

from . import students as student_data
from .allocation import load_history
from .history import issue_letters, load_outcomes, school_rubrics
from .network import load_network, load_offers, site_kinds
from .plan import (
    CASEWORK,
    COMMUNITY,
    DRAFT_OFFERS,
    FACILITY_ACCOUNTS,
    GRADUATION,
    GROUP,
    MAX_CHOICES,
    NO_PREFERENCES_SHARE,
    PREVIOUS,
    SCHOOLS,
    SEATS_CURRENT,
    SEATS_FINISHED,
    STUDENT_ACCOUNTS,
    U3,
    U4,
    current_dates,
    finished_dates,
)
from .years import load_earlier_years, load_running

SEED = 2026
LABEL = "Dữ liệu thực tập mẫu (demo)"


def _popularity(rng: random.Random, network, favourite: int | None) -> dict[int, float]:
    """How much students want each facility: public centres more, facility1 a favourite."""
    weights = {}
    for facility in network.facilities:
        weight = rng.uniform(1.5, 4.0) if facility.ownership == "public" else rng.uniform(0.5, 2)
        weights[facility.pk] = weight * (3 if facility.pk == favourite else 1)
    return weights


def _period(agency, dates, *, status, by) -> PlacementPeriod:
    return PlacementPeriod.objects.create(
        organizer=agency,
        name=dates.name,
        starts_on=dates.starts_on,
        ends_on=dates.ends_on,
        preference_deadline=dates.preference_deadline,
        acceptance_deadline=dates.acceptance_deadline,
        max_choices=MAX_CHOICES,
        status=status,
        created_by=by,
    )


def _kinds_by_school(members) -> dict:
    kinds: dict = {}
    for person, kind in members:
        kinds.setdefault(person.school, []).append(kind)
    return kinds


def _record(action: str, obj, organization, counts: dict) -> None:
    audit.record(
        actor=SYSTEM,
        action=action,
        obj=obj,
        object_type=None if obj else PracticeSite._meta.label_lower,
        object_repr=None if obj else LABEL,
        organization=organization,
        new=counts,
    )


def load_practicum(*, password: str) -> dict[str, int] | None:
    """Load the practicum's demo data; None when the database already has practicum data."""
    if PracticeSite.objects.exists() or PlacementPeriod.objects.exists():
        return None
    rng = random.Random(SEED)
    today, now = timezone.localdate(), timezone.now()
    agency = Organization.objects.get(code="SYT-HCM")
    codes = [code for code, _prefix, _rounds in SCHOOLS]
    schools = Organization.objects.in_bulk(codes, field_name="code")
    ordered_schools = [schools[c] for c in codes]
    users = User.objects.in_bulk(
        [
            "programme",
            "school1",
            "school2",
            "instructor1",
            "instructor2",
            *(m for m, _e in FACILITY_ACCOUNTS.values()),
        ],
        field_name="username",
    )
    programme = users.get("programme")

    _link_instructors(users)
    network = load_network(rng=rng, by=SYSTEM)
    by_code = {f.code: f for f in network.facilities}
    facility1 = by_code.get("CS-001")
    managers = {
        by_code[code].pk: users[manager]
        for code, (manager, _email) in FACILITY_ACCOUNTS.items()
        if code in by_code and manager in users
    }
    seats = {"network": len(network.sites)}
    seats["instructors"] = sum(len(v) for v in network.instructors.values())
    seats["female_only"] = sum(1 for s in network.sites.values() if s.gender_requirement)
    seats["vaccination"] = sum(1 for s in network.sites.values() if s.vaccination_required)
    seats["language"] = sum(1 for s in network.sites.values() if s.language_required)
    _record("practicesite.bulk_load", None, agency, seats)

    people = student_data.people(rng=rng, schools=schools)
    for person in people:
        if person.username in STUDENT_ACCOUNTS:  # meet every requirement but a language
            person.vaccinated = True
    accounts = student_data.load_accounts(people=people, password=password)
    audit.record(
        actor=SYSTEM,
        action="user.bulk_load",
        object_type=User._meta.label_lower,
        object_repr="Tài khoản sinh viên mẫu (demo)",
        new=accounts,
    )
    entered_by = {schools[c].pk: users.get(u) for c, u in zip(codes, ["school1", "school2"])}
    published_by = {**managers, 0: programme}

    # The current period, at the preference stage.
    dates = current_dates(today)
    current = _period(agency, dates, status=PlacementPeriod.Status.PREFERENCES, by=programme)
    members = [(p, p.kind) for p in people]
    rounds = student_data.load_rounds(period=current, kinds=_kinds_by_school(members))
    students = student_data.load_students(period=current, rounds=rounds, members=members)
    offered = load_offers(
        rng=rng,
        network=network,
        period=current,
        demand=Counter(p.kind for p in people),
        seats=SEATS_CURRENT,
        forced={"CS-001": [(GROUP, U3), (GRADUATION, U4)]},
        published_at=now - dt.timedelta(days=10),
        published_by=published_by,
        schools=ordered_schools,
        drafts=DRAFT_OFFERS,
    )
    account_student = {
        p.username: s for p, s in zip(people, students) if p.username in STUDENT_ACCOUNTS
    }
    skip = {s.pk for s in students if rng.random() < NO_PREFERENCES_SHARE}
    skip.add(account_student["student2"].pk)
    first_choice = {}
    if facility1 is not None:
        skip.discard(account_student["student1"].pk)
        first_choice[account_student["student1"].pk] = next(
            o
            for o in offered.offers
            if o.facility_id == facility1.pk and (o.practice_type, o.level) == (GROUP, U3)
        )
    preferences = student_data.rank_offers(
        rng=rng,
        students=students,
        offers=offered.offers,
        sites=network.sites,
        popularity=_popularity(rng, network, None),
        max_choices=MAX_CHOICES,
        skip=skip,
        first_choice=first_choice,
        entered_by=entered_by,
    )
    counts = _period_counts(rounds, students, offered, preferences)
    _record("placementperiod.bulk_load", current, agency, counts)

    # The previous semester's period, closed: the same students' earlier rounds.
    dates = finished_dates(today)
    finished = _period(agency, dates, status=PlacementPeriod.Status.CLOSED, by=programme)
    members = [(p, PREVIOUS[p.kind]) for p in people if p.kind in PREVIOUS]
    past_rounds = student_data.load_rounds(period=finished, kinds=_kinds_by_school(members))
    past_students = student_data.load_students(period=finished, rounds=past_rounds, members=members)
    past_offered = load_offers(
        rng=rng,
        network=network,
        period=finished,
        demand=Counter(kind for _p, kind in members),
        seats=SEATS_FINISHED,
        forced={"CS-001": [(CASEWORK, U3), (COMMUNITY, U4)]},
        published_at=dates.preference_deadline - dt.timedelta(days=20),
        published_by=published_by,
        schools=ordered_schools,
    )
    past_preferences = student_data.rank_offers(
        rng=rng,
        students=past_students,
        offers=past_offered.offers,
        sites=network.sites,
        popularity=_popularity(rng, network, facility1.pk if facility1 else None),
        max_choices=MAX_CHOICES,
        entered_by=entered_by,
    )
    counts = _period_counts(past_rounds, past_students, past_offered, past_preferences)
    _record("placementperiod.bulk_load", finished, agency, counts)
    history = load_history(
        rng=rng,
        period=finished,
        students=past_students,
        preferences=past_preferences,
        offers=past_offered.offers,
        offer_instructors=past_offered.offer_instructors,
        quotas=past_offered.quotas,
        sites=network.sites,
        by=programme,
        managers=managers,
        committed_at=dates.committed_at,
        second_at=dates.second_committed_at,
    )
    _record("allocationrun.bulk_load", finished, agency, history)
    site_kinds(network, offered.offers + past_offered.offers)

    part_two = _load_part_two(
        rng=rng,
        network=network,
        agency=agency,
        people=people,
        finished=finished,
        members=members,
        schools=ordered_schools,
        managers=managers,
        published_by=published_by,
        by=programme,
    )
    return {
        "sites": len(network.sites),
        "instructors": seats["instructors"],
        "students": len(students),
        "accounts_created": accounts["accounts_created"],
        "seats": sum(o.seats for o in offered.offers if o.status == Offer.Status.PUBLISHED),
        "preferences": len(preferences),
        "placed": history["accepted"],
        "finished_students": len(past_students),
        **part_two,
    }


def _link_instructors(users: dict) -> None:
    """The demo's field-instructor accounts are the registry's instructors with their
    e-mail address (``FieldInstructor.user``), so their pages find their students."""
    from ctxh.workforce.models import FieldInstructor

    for username in ("instructor1", "instructor2"):
        user = users.get(username)
        if user is not None and user.email:
            FieldInstructor.objects.filter(
                person__email__iexact=user.email, user__isnull=True
            ).update(user=user)


#: Completion letters issued through the documents service besides the demo students'.
EXTRA_LETTERS = 6


def _load_part_two(
    *, rng, network, agency, people, finished, members, schools, managers, published_by, by
) -> dict[str, int]:
    """The practice and after (issue 11): the finished period's full history, two earlier
    years, and the period in practice now. One audit summary per load."""
    rubrics = school_rubrics(schools)
    quality: dict[int, float] = {}

    outcomes = load_outcomes(rng=rng, period=finished, rubrics=rubrics, full=True, quality=quality)
    outcomes["letters"] = issue_letters(finished, usernames=STUDENT_ACCOUNTS, extra=EXTRA_LETTERS)
    _record("placement.bulk_outcomes", finished, agency, outcomes)
    earlier = load_earlier_years(
        rng=rng,
        network=network,
        agency=agency,
        members=members,
        finished=finished,
        schools=schools,
        managers=managers,
        published_by=published_by,
        by=by,
        rubrics=rubrics,
        quality=quality,
    )
    for summary in earlier:
        period = summary.pop("period")
        _record("placement.bulk_outcomes", period, agency, summary)
    running = load_running(
        rng=rng,
        network=network,
        agency=agency,
        people=people,
        schools=schools,
        managers=managers,
        published_by=published_by,
        by=by,
    )
    _record("placement.bulk_outcomes", running.pop("period"), agency, running)
    return {
        "completed": outcomes["completed"],
        "letters": outcomes["letters"],
        "earlier_periods": len(earlier),
        "in_practice": running["in_practice"],
        "waiting_entries": running["waiting_entries"],
    }


def _period_counts(rounds, students, offered, preferences) -> dict[str, int]:
    published = [o for o in offered.offers if o.status == Offer.Status.PUBLISHED]
    return {
        "rounds": len(rounds),
        "students": len(students),
        "offers": len(offered.offers),
        "published_offers": len(published),
        "seats": sum(o.seats for o in published),
        "instructors": sum(len(v) for v in offered.period_instructors.values()),
        "school_quotas": len(offered.quotas),
        "preferences": len(preferences),
        "students_with_preferences": len({p.student_id for p in preferences}),
    }
