"""Typed input and output of the rich allocation API (:func:`ctxh.matching.allocate`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Student:
    """A student and the site offers they rank, best first (no duplicates)."""

    id: str
    preferences: Sequence[str]
    school: str = ""


@dataclass(frozen=True)
class Site:
    """A site offer in a round.

    ``instructors`` are the field instructors who may supervise its students (none means
    no instructor limit); ``school_quotas`` caps the students taken from one school;
    ``ranking``, if given, is the site's own priority over students (students it does not
    list are not acceptable to it). Without a ranking the round's shared order is used.
    """

    id: str
    capacity: int
    instructors: Sequence[str] = ()
    school_quotas: Mapping[str, int] = field(default_factory=dict)
    ranking: Sequence[str] | None = None


@dataclass(frozen=True)
class Instructor:
    """A field instructor and the number of students they can supervise in total."""

    id: str
    capacity: int


@dataclass
class Problem:
    """One allocation round.

    ``forbidden`` lists ineligible ``(student, site)`` pairs, optionally mapped to a
    human reason (practice type, level, target group...). ``school_priority`` orders
    schools for the shared priority order; ties (and schools not listed) are broken by a
    lottery drawn from ``seed``. ``max_choices`` bounds the length of preference lists.
    ``second_pass`` offers the remaining eligible seats to students left unplaced.
    """

    students: Sequence[Student]
    sites: Sequence[Site]
    instructors: Sequence[Instructor] = ()
    forbidden: Mapping[tuple[str, str], str] | Sequence[tuple[str, str]] = ()
    school_priority: Sequence[str] = ()
    seed: int | str = 0
    max_choices: int | None = None
    second_pass: bool = False


class Reason(StrEnum):
    """Why a student did not get a site they ranked above the one obtained."""

    NOT_ELIGIBLE = "not_eligible"
    NOT_RANKED = "not_ranked_by_site"
    SITE_FULL = "full_with_higher_priority_students"
    SCHOOL_QUOTA = "school_quota_reached"
    INSTRUCTORS_FULL = "instructors_full"

    @property
    def message(self) -> str:
        """An English sentence for this reason (the application translates it)."""
        return _MESSAGES[self]


_MESSAGES = {
    Reason.NOT_ELIGIBLE: "you are not eligible for this site",
    Reason.NOT_RANKED: "the site does not accept you (not on its list)",
    Reason.SITE_FULL: "all seats went to students with higher priority",
    Reason.SCHOOL_QUOTA: "the quota for your school went to students with higher priority",
    Reason.INSTRUCTORS_FULL: "its field instructors are fully booked by higher-priority students",
}


@dataclass(frozen=True)
class Rejection:
    """A site a student ranked above their outcome, with the reason they did not get it."""

    site: str
    rank: int
    reason: Reason
    detail: str = ""


@dataclass(frozen=True)
class Placement:
    """Where a student ended up. ``rank`` is 1-based in their list, ``None`` outside it."""

    student: str
    site: str | None
    instructor: str | None
    rank: int | None
    outside_preferences: bool = False


@dataclass(frozen=True)
class SchoolSummary:
    """Summary figures for the students of one school."""

    students: int
    placed: int
    first_choice: int
    top_three: int
    mean_rank: float | None


@dataclass(frozen=True)
class Summary:
    """Summary figures of an allocation (``mean_rank`` over placements within preferences)."""

    students: int
    placed: int
    placed_in_preferences: int
    placed_outside_preferences: int
    unplaced: int
    first_choice: int
    top_three: int
    mean_rank: float | None
    unfilled_seats: dict[str, int]
    per_school: dict[str, SchoolSummary]


@dataclass
class Result:
    """The outcome of :func:`ctxh.matching.allocate`.

    ``allocation`` maps every student to a site or ``None``; ``explanations`` gives, for
    every student, each site ranked above the outcome and why it was not obtained;
    ``removed_pairs`` lists the ``(student, site, reason)`` preferences dropped as
    ineligible before solving; ``priority`` is the shared priority order used.
    """

    allocation: dict[str, str | None]
    placements: dict[str, Placement]
    explanations: dict[str, tuple[Rejection, ...]]
    removed_pairs: list[tuple[str, str, str]]
    summary: Summary
    priority: tuple[str, ...]
    method: str

    @property
    def instructors(self) -> dict[str, str | None]:
        """The field instructor of every student (``None`` if unplaced or not needed)."""
        return {s: p.instructor for s, p in self.placements.items()}

    def explain(self, student: str) -> str:
        """A short English explanation of one student's outcome."""
        pl = self.placements[student]
        if pl.site is None:
            head = f"{student} was not placed"
        elif pl.outside_preferences:
            head = f"{student} was placed outside their preferences at {pl.site}"
        else:
            head = f"{student} was placed at {pl.site} (choice {pl.rank})"
        lines = [head]
        for rej in self.explanations[student]:
            lines.append(f"  choice {rej.rank}, {rej.site}: {rej.reason.message}")
        return "\n".join(lines)
