"""The demo students: their accounts (created in bulk, one password hash for all), their
rounds and practicum rows in a period, and their ranked preferences among the offers they
are eligible for (:func:`ctxh.practicum.eligibility.ineligibility`)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from ctxh.accounts.models import Membership, User
from ctxh.accounts.roles import Role
from ctxh.core.collation import name_sort_key
from ctxh.core.searchtext import normalize
from ctxh.organizations.models import Organization
from ctxh.practicum.eligibility import ineligibility
from ctxh.practicum.models import Offer, PlacementPeriod, Preference, Round, Student

from ..workforce import FAMILY, GIVEN, MIDDLE
from .plan import HOURS, ROUND_NAMES, SCHOOLS, STUDENT_ACCOUNTS, U2, U3, U4

BIRTH_YEAR = {U2: 2005, U3: 2004, U4: 2003}


@dataclass
class Person:
    """A demo student as a person (the same in both periods)."""

    code: str
    school: Organization
    kind: tuple[str, str]  # practice type and level of the current round
    full_name: str
    gender: str
    date_of_birth: dt.date
    phone: str
    vaccinated: bool
    languages: str
    user: User | None = None
    username: str = ""


def people(*, rng: random.Random, schools: dict[str, Organization]) -> list[Person]:
    """Every demo student, school by school and round by round (about 150 per school)."""
    found: list[Person] = []
    accounts = {school: [] for school, _gender in STUDENT_ACCOUNTS.values()}
    for username, (school, _gender) in STUDENT_ACCOUNTS.items():
        accounts[school].append(username)
    for school_code, prefix, rounds in SCHOOLS:
        school = schools[school_code]
        seq = 0
        for practice_type, level, count in rounds:
            for _ in range(count):
                seq += 1
                gender = "female" if rng.random() < 0.78 else "male"
                name = (
                    f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
                )
                year = BIRTH_YEAR.get(level) or rng.randint(1988, 1999)
                spoken = []
                if rng.random() < 0.15:
                    spoken.append("Tiếng Anh")
                if rng.random() < 0.02:
                    spoken.append("Khmer")
                found.append(
                    Person(
                        code=f"{prefix}{seq:05d}",
                        school=school,
                        kind=(practice_type, level),
                        full_name=name,
                        gender=gender,
                        date_of_birth=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                        phone=f"09{rng.randint(0, 99_999_999):08d}" if rng.random() < 0.8 else "",
                        vaccinated=rng.random() < 0.85,
                        languages=", ".join(spoken),
                    )
                )
        # The demo student accounts are the first students of the school's first round.
        first = [p for p in found if p.school is school][: len(accounts.get(school_code, []))]
        for person, username in zip(first, accounts.get(school_code, [])):
            person.username = username
            person.gender = STUDENT_ACCOUNTS[username][1]
    return found


def load_accounts(*, people: list[Person], password: str) -> dict[str, int]:
    """A student account at the school for every demo student, in bulk: the password is
    hashed once; the demo accounts (student1…) exist already and are reused."""
    for person in people:
        person.username = person.username or person.code.lower()
    existing = {
        u.username: u for u in User.objects.filter(username__in=[p.username for p in people])
    }
    hashed = make_password(password)
    new_users = []
    for person in people:
        person.user = existing.get(person.username)
        if person.user is None:
            user = User(
                username=person.username,
                full_name=person.full_name,
                email=f"{person.username}@sv.demo.ctxh.vn",
                phone=person.phone,
                password=hashed,
            )
            user.refresh_search_text()
            person.user = user
            new_users.append(user)
        else:
            person.full_name = person.user.full_name or person.full_name
    User.objects.bulk_create(new_users, batch_size=1000)
    have = set(
        Membership.objects.filter(
            user__in=[p.user for p in people], role=Role.STUDENT, active=True
        ).values_list("user_id", "organization_id")
    )
    memberships = [
        Membership(user=p.user, organization=p.school, role=Role.STUDENT)
        for p in people
        if (p.user.pk, p.school.pk) not in have
    ]
    Membership.objects.bulk_create(memberships, batch_size=1000)
    return {"accounts_created": len(new_users), "roles_granted": len(memberships)}


def load_rounds(
    *, period: PlacementPeriod, kinds: dict[Organization, list[tuple[str, str]]]
) -> dict[tuple[int, tuple[str, str]], Round]:
    """The schools' rounds of a period: one per school and practice type and level."""
    rounds = {}
    for school, school_kinds in kinds.items():
        for kind in dict.fromkeys(school_kinds):
            rounds[(school.pk, kind)] = Round(
                period=period,
                school=school,
                name=ROUND_NAMES[kind],
                practice_type=kind[0],
                level=kind[1],
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                required_hours=HOURS[kind],
            )
    Round.objects.bulk_create(rounds.values())
    return rounds


def load_students(
    *, period: PlacementPeriod, rounds: dict, members: list[tuple[Person, tuple[str, str]]]
) -> list[Student]:
    """The practicum rows of ``members`` ((person, kind of their round)) in ``period``."""
    students = []
    for person, kind in members:
        rnd = rounds[(person.school.pk, kind)]
        email = person.user.email
        student = Student(
            round=rnd,
            period=period,
            school=person.school,
            user=person.user,
            student_code=person.code,
            full_name=person.full_name,
            gender=person.gender,
            date_of_birth=person.date_of_birth,
            email=email,
            phone=person.phone,
            vaccinated=person.vaccinated,
            languages=person.languages,
            sort_key=name_sort_key(person.full_name)[:255],
            search_text=normalize(f"{person.full_name} {person.code} {email}"),
        )
        students.append(student)
    Student.objects.bulk_create(students, batch_size=1000)
    return students


def rank_offers(
    *,
    rng: random.Random,
    students: list[Student],
    offers: list[Offer],
    sites: dict,
    popularity: dict[int, float],
    max_choices: int,
    skip: set[int] = frozenset(),
    first_choice: dict[int, Offer] | None = None,
    entered_by: dict[int, object] | None = None,
) -> list[Preference]:
    """Each student (but those in ``skip``) ranks up to ``max_choices`` of the published
    offers they are eligible for, drawn by the facilities' ``popularity``; the offers in
    ``first_choice`` (by student id) come first."""
    by_kind: dict[tuple[str, str], list[Offer]] = {}
    for offer in offers:
        if offer.status == Offer.Status.PUBLISHED:
            by_kind.setdefault((offer.practice_type, offer.level), []).append(offer)
    first_choice = first_choice or {}
    entered_by = entered_by or {}
    preferences = []
    # Eligibility depends on the round and the student's gender, vaccination and languages.
    eligible_for: dict[tuple, list[Offer]] = {}
    for student in students:
        if student.pk in skip:
            continue
        rnd = student.round
        key = (rnd.pk, student.gender, student.vaccinated, student.languages)
        if key not in eligible_for:
            eligible_for[key] = [
                o
                for o in by_kind.get((rnd.practice_type, rnd.level), [])
                if not ineligibility(student, o, sites.get(o.facility_id))
            ]
        eligible = eligible_for[key]
        k = min(len(eligible), rng.choices([5, 4, 3, 2, 1], weights=[62, 14, 14, 6, 4])[0])
        k = min(k, max_choices)
        # Weighted sampling without replacement (Efraimidis–Spirakis keys).
        keyed = sorted(
            eligible,
            key=lambda o: rng.random() ** (1.0 / popularity[o.facility_id]),
            reverse=True,
        )
        chosen = keyed[:k]
        first = first_choice.get(student.pk)
        if first is not None:
            reason = ineligibility(student, first, sites.get(first.facility_id))
            if reason:
                raise ValueError(f"{student.student_code} may not rank {first}: {reason}")
            chosen = [first] + [o for o in chosen if o.pk != first.pk][: max_choices - 1]
        by = entered_by.get(student.school_id) if rng.random() < 0.05 else None
        preferences.extend(
            Preference(student=student, offer=o, rank=i, entered_by=by or student.user)
            for i, o in enumerate(chosen, start=1)
        )
    Preference.objects.bulk_create(preferences, batch_size=2000)
    return preferences
