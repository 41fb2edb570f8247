"""Textbook entry points: Hospitals/Residents (HR) and SPA-S on plain dictionaries.

These functions are the stable, external interface of the engine (see ``docs/matching.md``)::

    solve_hr(student_prefs, site_prefs, capacities) -> {student: site | None}
    solve_spa(student_prefs, instructor_prefs, site_instructor,
              site_capacities, instructor_capacities) -> {student: site | None}
    find_blocking_pairs_hr(student_prefs, site_prefs, capacities, allocation)
    find_blocking_pairs_spa(student_prefs, instructor_prefs, site_instructor,
                            site_capacities, instructor_capacities, allocation)
    find_blocking_pairs(...)  # dispatches on the arguments

A pair is *acceptable* when the student ranks the site and the site (HR) or the site's
instructor (SPA-S) ranks the student; a site that ranks a student who did not rank it is
simply ignored. Bad input raises :class:`ValueError` naming the offender.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ._core import check_capacity, da_hr_named, da_laminar
from .engine import blocking_pairs

Prefs = Mapping[str, Sequence[str]]


def _index_students(student_prefs: Prefs, known_sites: Mapping[str, Any]) -> list[list[Any]]:
    """Map every student's list to site ids, rejecting unknown or repeated sites."""
    out: list[list[int]] = []
    for s, prefs in student_prefs.items():
        if isinstance(prefs, str):
            raise ValueError(f"preferences of student {s!r} must be a list, not a string")
        ids = []
        seen = set()
        for p in prefs:
            j = known_sites.get(p)
            if j is None:
                raise ValueError(f"student {s!r} ranks unknown site {p!r}")
            if p in seen:
                raise ValueError(f"student {s!r} ranks site {p!r} more than once")
            seen.add(p)
            ids.append(j)
        out.append(ids)
    return out


def _index_ranking(
    kind: str, owner: str, ranking: Sequence[str], student_idx: Mapping[str, Any]
) -> list[Any]:
    if isinstance(ranking, str):
        raise ValueError(f"ranking of {kind} {owner!r} must be a list, not a string")
    ids = []
    seen = set()
    for t in ranking:
        k = student_idx.get(t)
        if k is None:
            raise ValueError(f"{kind} {owner!r} ranks unknown student {t!r}")
        if t in seen:
            raise ValueError(f"{kind} {owner!r} ranks student {t!r} more than once")
        seen.add(t)
        ids.append(k)
    return ids


class CompiledHR:
    """An HR instance checked and prepared for :func:`ctxh.matching._core.da_hr_named`.

    Sites stay keyed by name (dict look-ups on interned strings are as cheap as list
    indexing and spare a 100k-element translation); students are numbered in input order.
    Validation runs in C-level bulk operations and only falls back to a Python scan to
    name the offender.
    """

    def __init__(self, student_prefs: Prefs, site_prefs: Prefs, capacities: Mapping[str, int]):
        lists = list(student_prefs.values())
        for s, v in zip(student_prefs, lists):
            if isinstance(v, str):
                raise ValueError(f"preferences of student {s!r} must be a list, not a string")
        caps: dict[str, int] = {}
        for p in site_prefs:
            if p not in capacities:
                raise ValueError(f"site {p!r} has no capacity")
        for p, c in capacities.items():
            caps[p] = check_capacity("site", p, c)
        lens = list(map(len, lists))
        if list(map(len, map(set, lists))) != lens or not set().union(*lists) <= caps.keys():
            _index_students(student_prefs, caps)  # raises, naming the offender
        site_rank: dict[str, dict[str, int]] = {}
        for p, lst in site_prefs.items():
            if isinstance(lst, str):
                raise ValueError(f"ranking of site {p!r} must be a list, not a string")
            d = dict(zip(lst, range(len(lst))))
            if len(d) != len(lst):
                _index_ranking("site", p, lst, student_prefs)
            site_rank[p] = d
        for p in caps:
            if p not in site_rank:
                site_rank[p] = {}  # a site with a capacity but no ranking accepts nobody
        if not set().union(*site_rank.values()) <= student_prefs.keys():
            for p, lst in site_prefs.items():
                _index_ranking("site", p, lst, student_prefs)
        self.students = list(student_prefs)
        self.lists = lists
        self.caps = caps
        self.site_rank = site_rank

    def solve(self) -> list[str | None]:
        """Run deferred acceptance; return each student's site (or ``None``) by index."""
        return da_hr_named(self.students, self.lists, self.site_rank, self.caps)

    def decode(self, assign: list[str | None]) -> dict[str, str | None]:
        """Turn the result of :meth:`solve` into ``{student: site or None}``."""
        return dict(zip(self.students, assign))


def solve_hr(
    student_prefs: Prefs, site_prefs: Prefs, capacities: Mapping[str, int]
) -> dict[str, str | None]:
    """Student-optimal stable allocation of an HR instance (student-proposing DA).

    ``student_prefs`` maps each student to the sites they rank (best first, no
    duplicates); ``site_prefs`` maps each site to the students it ranks; ``capacities``
    maps each site to its number of seats (``>= 0``). A site present in ``capacities`` but
    not in ``site_prefs`` ranks nobody. Returns ``{student: site or None}`` for every
    student of ``student_prefs``.
    """
    inst = CompiledHR(student_prefs, site_prefs, capacities)
    return inst.decode(inst.solve())


class CompiledSPA:
    """An SPA-S instance (one instructor per site) mapped to integers."""

    def __init__(
        self,
        student_prefs: Prefs,
        instructor_prefs: Prefs,
        site_instructor: Mapping[str, str],
        site_capacities: Mapping[str, int],
        instructor_capacities: Mapping[str, int],
    ):
        instructors = list(instructor_capacities)
        inst_idx = {x: j for j, x in enumerate(instructors)}
        inst_caps = [check_capacity("instructor", x, instructor_capacities[x]) for x in instructors]
        for x in instructor_prefs:
            if x not in inst_idx:
                raise ValueError(f"instructor {x!r} has preferences but no capacity")
        sites = list(site_instructor)
        site_idx = {p: j for j, p in enumerate(sites)}
        site_lect = []
        for p in sites:
            x = site_instructor[p]
            if x not in inst_idx:
                raise ValueError(f"site {p!r} names unknown instructor {x!r}")
            site_lect.append(inst_idx[x])
        for p in site_capacities:
            if p not in site_idx:
                raise ValueError(f"capacity given for unknown site {p!r} (no instructor)")
        caps = []
        for p in sites:
            if p not in site_capacities:
                raise ValueError(f"site {p!r} has no capacity")
            caps.append(check_capacity("site", p, site_capacities[p]))
        students = list(student_prefs)
        student_idx = {s: k for k, s in enumerate(students)}
        raw = _index_students(student_prefs, site_idx)
        lect_lists = [
            _index_ranking("instructor", x, instructor_prefs.get(x, ()), student_idx)
            for x in instructors
        ]
        lect_rank = [{t: r for r, t in enumerate(lst)} for lst in lect_lists]
        choices = []
        ranks = []
        for k, lst in enumerate(raw):
            ch = []
            rk = []
            for p in lst:
                r = lect_rank[site_lect[p]].get(k)
                if r is not None:
                    ch.append(p)
                    rk.append(r)
            choices.append(ch)
            ranks.append(rk)
        self.students = students
        self.sites = sites
        self.instructors = instructors
        self.student_idx = student_idx
        self.site_idx = site_idx
        self.site_lect = site_lect
        self.caps = caps
        self.inst_caps = inst_caps
        self.lect_lists = lect_lists
        self.lect_rank = lect_rank
        self.choices = choices
        self.ranks = ranks

    def solve(self) -> list[int]:
        """Run the SPA-student algorithm and return the site id (or -1) per student."""
        return da_laminar(
            self.choices,
            self.ranks,
            None,
            self.site_lect,
            self.caps,
            self.inst_caps,
            [],
            self.lect_lists,
        )

    def decode(self, assign: list[int]) -> dict[str, str | None]:
        """Turn integer results back into ``{student: site or None}``."""
        sites = self.sites
        return {s: (sites[a] if a >= 0 else None) for s, a in zip(self.students, assign)}


def solve_spa(
    student_prefs: Prefs,
    instructor_prefs: Prefs,
    site_instructor: Mapping[str, str],
    site_capacities: Mapping[str, int],
    instructor_capacities: Mapping[str, int],
) -> dict[str, str | None]:
    """Student-optimal stable allocation of an SPA-S instance (Abraham–Irving–Manlove 2007).

    Each site (project) has one field instructor (lecturer) given by ``site_instructor``;
    the instructor's ranking of students, restricted to those who rank a site, is that
    site's priority. An instructor missing from ``instructor_prefs`` ranks nobody.
    Returns ``{student: site or None}``.
    """
    inst = CompiledSPA(
        student_prefs, instructor_prefs, site_instructor, site_capacities, instructor_capacities
    )
    return inst.decode(inst.solve())


def _decode_allocation(
    allocation: Mapping[str, str | None],
    student_idx: Mapping[str, int],
    site_idx: Mapping[str, int],
    choices: list[list[int]],
) -> list[int]:
    """Validate an allocation against the instance and map it to integers."""
    assign = [-1] * len(student_idx)
    for s, p in allocation.items():
        k = student_idx.get(s)
        if k is None:
            raise ValueError(f"allocation names unknown student {s!r}")
        if p is None:
            continue
        j = site_idx.get(p)
        if j is None:
            raise ValueError(f"allocation sends student {s!r} to unknown site {p!r}")
        if j not in choices[k]:
            raise ValueError(f"allocation sends student {s!r} to unacceptable site {p!r}")
        assign[k] = j
    return assign


def find_blocking_pairs_hr(
    student_prefs: Prefs,
    site_prefs: Prefs,
    capacities: Mapping[str, int],
    allocation: Mapping[str, str | None],
) -> list[tuple[str, str]]:
    """Blocking pairs of an HR allocation (empty when it is stable).

    ``(s, p)`` blocks when both find each other acceptable, ``s`` is unplaced or prefers
    ``p`` to their site, and ``p`` has a free seat or prefers ``s`` to one of its students.
    Raises ``ValueError`` if the allocation is not valid (unknown names, unacceptable
    pair, over capacity). Pairs are listed by student (input order), then preference.
    """
    inst = CompiledHR(student_prefs, site_prefs, capacities)
    rank = inst.site_rank
    count = dict.fromkeys(inst.caps, 0)
    worst = dict.fromkeys(inst.caps, -1)
    own: dict[str, str | None] = dict.fromkeys(inst.students)
    for s, p in allocation.items():
        if s not in own:
            raise ValueError(f"allocation names unknown student {s!r}")
        if p is None:
            continue
        if p not in count:
            raise ValueError(f"allocation sends student {s!r} to unknown site {p!r}")
        r = rank[p].get(s)
        if r is None or p not in student_prefs[s]:
            raise ValueError(f"allocation sends student {s!r} to unacceptable site {p!r}")
        own[s] = p
        count[p] += 1
        worst[p] = max(worst[p], r)
    for p, c in count.items():
        if c > inst.caps[p]:
            raise ValueError(
                f"allocation puts {c} students in site {p!r} (capacity {inst.caps[p]})"
            )
    pairs = []
    for s, prefs in zip(inst.students, inst.lists):
        a = own[s]
        for p in prefs:
            if p == a:
                break
            r = rank[p].get(s)
            if r is not None and (count[p] < inst.caps[p] or r < worst[p]):
                pairs.append((s, p))
    return pairs


def find_blocking_pairs_spa(
    student_prefs: Prefs,
    instructor_prefs: Prefs,
    site_instructor: Mapping[str, str],
    site_capacities: Mapping[str, int],
    instructor_capacities: Mapping[str, int],
    allocation: Mapping[str, str | None],
) -> list[tuple[str, str]]:
    """Blocking pairs of an SPA-S allocation, as defined by Abraham, Irving & Manlove (2007).

    ``(s, p)`` with instructor ``l`` blocks when the pair is acceptable, ``s`` is unplaced
    or prefers ``p`` to their site, and one of: (a) ``p`` and ``l`` are both
    under-subscribed; (b) ``p`` is under-subscribed, ``l`` is full, and either ``s`` is
    already one of ``l``'s students or ``l`` prefers ``s`` to its worst student;
    (c) ``p`` is full and ``l`` prefers ``s`` to the worst student of ``p``.
    Raises ``ValueError`` for an invalid allocation.
    """
    inst = CompiledSPA(
        student_prefs, instructor_prefs, site_instructor, site_capacities, instructor_capacities
    )
    assign = _decode_allocation(allocation, inst.student_idx, inst.site_idx, inst.choices)
    n_sites = len(inst.sites)
    n_lect = len(inst.instructors)
    p_cnt = [0] * n_sites
    p_worst = [-1] * n_sites
    l_cnt = [0] * n_lect
    l_worst = [-1] * n_lect
    for k, p in enumerate(assign):
        if p >= 0:
            lec = inst.site_lect[p]
            r = inst.lect_rank[lec][k]
            p_cnt[p] += 1
            l_cnt[lec] += 1
            p_worst[p] = max(p_worst[p], r)
            l_worst[lec] = max(l_worst[lec], r)
    for p, c in enumerate(p_cnt):
        if c > inst.caps[p]:
            raise ValueError(
                f"allocation puts {c} students in site {inst.sites[p]!r} (capacity {inst.caps[p]})"
            )
    for lec, c in enumerate(l_cnt):
        if c > inst.inst_caps[lec]:
            raise ValueError(
                f"allocation gives instructor {inst.instructors[lec]!r} {c} "
                f"students (capacity {inst.inst_caps[lec]})"
            )
    pairs = []
    for k, ch in enumerate(inst.choices):
        a = assign[k]
        own_lect = inst.site_lect[a] if a >= 0 else -1
        for p, r in zip(ch, inst.ranks[k]):
            if p == a:
                break
            lec = inst.site_lect[p]
            p_under = p_cnt[p] < inst.caps[p]
            l_under = l_cnt[lec] < inst.inst_caps[lec]
            if (
                (p_under and l_under)
                or (p_under and (own_lect == lec or r < l_worst[lec]))
                or (not p_under and r < p_worst[p])
            ):
                pairs.append((inst.students[k], inst.sites[p]))
    return pairs


_SPA_KEYS = {"instructor_prefs", "site_instructor", "site_capacities", "instructor_capacities"}
_HR_KEYS = {"site_prefs", "capacities"}


def find_blocking_pairs(*args: Any, **kwargs: Any) -> list[tuple[str, str]]:
    """Blocking pairs of an allocation; dispatches to the right definition.

    * ``find_blocking_pairs(student_prefs, site_prefs, capacities, allocation)`` → HR;
    * ``find_blocking_pairs(student_prefs, instructor_prefs, site_instructor,
      site_capacities, instructor_capacities, allocation)`` → SPA-S;
    * ``find_blocking_pairs(problem, result)`` with a :class:`ctxh.matching.Problem` and
      the :class:`ctxh.matching.Result` of :func:`ctxh.matching.allocate` → the rich model.

    Keyword arguments with the parameter names of the specific functions also work.
    """
    n = len(args) + len(kwargs)
    keys = set(kwargs)
    if keys & _SPA_KEYS or (n == 6 and not keys & _HR_KEYS):
        return find_blocking_pairs_spa(*args, **kwargs)
    if keys & _HR_KEYS or n == 4:
        return find_blocking_pairs_hr(*args, **kwargs)
    if n == 2:
        return blocking_pairs(*args, **kwargs)
    raise TypeError(
        "find_blocking_pairs expects 4 arguments (HR), 6 arguments (SPA-S) or (problem, result)"
    )
