"""The rich allocation API: eligibility, school quotas, shared field instructors, explanations.

:func:`allocate` compiles a :class:`~ctxh.matching.model.Problem` once to integers and runs

* **serial dictatorship** in the shared priority order when no site has its own ranking
  (the practicum default). With one priority order the stable allocation is unique and
  serial dictatorship finds it, also with school quotas and instructors serving several
  sites (instructor assignments are kept as a flow and re-routed by augmenting paths);
* the **student-proposing SPA-S algorithm** (:func:`ctxh.matching._core.da_laminar`) when
  some sites rank students themselves. Then an instructor serving several sites must serve
  sites that use the shared order and be their only instructor; the instructors of a site
  with its own ranking must serve only that site (their capacities are pooled).
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Mapping

from ._core import (
    INSTRUCTORS_FULL,
    QUOTA_FULL,
    SITE_FULL,
    InstructorFlow,
    check_capacity,
    da_laminar,
    sd_general,
)
from .model import (
    Placement,
    Problem,
    Reason,
    Rejection,
    Result,
    SchoolSummary,
    Summary,
)

_CODE = {
    SITE_FULL: Reason.SITE_FULL,
    QUOTA_FULL: Reason.SCHOOL_QUOTA,
    INSTRUCTORS_FULL: Reason.INSTRUCTORS_FULL,
}


def priority_order(problem: Problem) -> list[str]:
    """The shared priority order: school priority first, then a lottery from ``seed``.

    The lottery shuffles the sorted student ids with ``random.Random(seed)``, so it does
    not depend on the order in which students are listed.
    """
    school = {s.id: s.school for s in problem.students}
    ids = sorted(school)
    random.Random(problem.seed).shuffle(ids)
    pos = {sch: i for i, sch in enumerate(problem.school_priority)}
    last = len(pos)
    return sorted(ids, key=lambda sid: pos.get(school[sid], last))


def _unique(kind: str, ids: list[str]) -> dict[str, int]:
    idx: dict[str, int] = {}
    for i, x in enumerate(ids):
        if x in idx:
            raise ValueError(f"{kind} {x!r} is listed more than once")
        idx[x] = i
    return idx


class _Compiled:
    """A :class:`Problem` validated and mapped to integers."""

    def __init__(self, problem: Problem) -> None:
        students = [s.id for s in problem.students]
        sites = [p.id for p in problem.sites]
        insts = [x.id for x in problem.instructors]
        stu_idx = _unique("student", students)
        site_idx = _unique("site", sites)
        inst_idx = _unique("instructor", insts)
        self.students, self.sites, self.insts = students, sites, insts
        self.school = [s.school for s in problem.students]
        self.caps = [check_capacity("site", p.id, p.capacity) for p in problem.sites]
        self.inst_caps = [
            check_capacity("instructor", x.id, x.capacity) for x in problem.instructors
        ]
        self.site_insts: list[list[int]] = []
        self.own_rank: list[dict[int, int] | None] = []
        for p in problem.sites:
            ids = []
            for x in p.instructors:
                if x not in inst_idx:
                    raise ValueError(f"site {p.id!r} names unknown instructor {x!r}")
                if inst_idx[x] in ids:
                    raise ValueError(f"site {p.id!r} lists instructor {x!r} more than once")
                ids.append(inst_idx[x])
            self.site_insts.append(ids)
            if p.ranking is None:
                self.own_rank.append(None)
                continue
            rank: dict[int, int] = {}
            for r, t in enumerate(p.ranking):
                if t not in stu_idx:
                    raise ValueError(f"site {p.id!r} ranks unknown student {t!r}")
                if stu_idx[t] in rank:
                    raise ValueError(f"site {p.id!r} ranks student {t!r} more than once")
                rank[stu_idx[t]] = r
            self.own_rank.append(rank)
        forbidden: dict[tuple[int, int], str] = {}
        items = (
            problem.forbidden.items()
            if isinstance(problem.forbidden, Mapping)
            else ((pair, "not eligible") for pair in problem.forbidden)
        )
        for (s, p), why in items:
            if s not in stu_idx:
                raise ValueError(f"forbidden pair names unknown student {s!r}")
            if p not in site_idx:
                raise ValueError(f"forbidden pair names unknown site {p!r}")
            forbidden[stu_idx[s], site_idx[p]] = why
        self.forbidden = forbidden
        # Quota groups: one per (site, school) with a quota.
        group_of: dict[tuple[int, str], int] = {}
        self.group_caps: list[int] = []
        for j, p in enumerate(problem.sites):
            for sch, q in p.school_quotas.items():
                check_capacity(f"school quota {sch!r} of site", p.id, q)
                group_of[j, sch] = len(self.group_caps)
                self.group_caps.append(q)
        order = priority_order(problem)
        self.order = [stu_idx[s] for s in order]
        self.prio = [0] * len(students)
        for pos, k in enumerate(self.order):
            self.prio[k] = pos
        self.prefs: list[list[int]] = []  # full lists (site ids), for explanations
        self.choices: list[list[int]] = []  # eligible and acceptable choices
        self.groups: list[list[int]] | None = [] if group_of else None
        self.removed: list[tuple[str, str, str]] = []
        max_choices = problem.max_choices
        # Fast path (the common case: no forbidden pair, no site ranking its students):
        # every listed site is an eligible choice, so one comprehension per student.
        plain = self.plain = not forbidden and all(r is None for r in self.own_rank)
        for k, st in enumerate(problem.students):
            if isinstance(st.preferences, str):
                raise ValueError(f"preferences of student {st.id!r} must be a list")
            if max_choices is not None and len(st.preferences) > max_choices:
                raise ValueError(f"student {st.id!r} ranks more than {max_choices} sites")
            if plain:
                try:
                    full = [site_idx[p] for p in st.preferences]
                except KeyError as exc:
                    raise ValueError(
                        f"student {st.id!r} ranks unknown site {exc.args[0]!r}"
                    ) from None
                if len(set(full)) != len(full):
                    seen: set[int] = set()
                    for j in full:
                        if j in seen:
                            raise ValueError(
                                f"student {st.id!r} ranks site {sites[j]!r} more than once"
                            )
                        seen.add(j)
                self.prefs.append(full)
                self.choices.append(full)
                if self.groups is not None:
                    self.groups.append([group_of.get((j, st.school), -1) for j in full])
                continue
            full = []
            ch: list[int] = []
            for p in st.preferences:
                j = site_idx.get(p)
                if j is None:
                    raise ValueError(f"student {st.id!r} ranks unknown site {p!r}")
                if j in full:
                    raise ValueError(f"student {st.id!r} ranks site {p!r} more than once")
                full.append(j)
                why = forbidden.get((k, j))
                if why is not None:
                    self.removed.append((st.id, p, why))
                    continue
                rank = self.own_rank[j]
                if rank is None or k in rank:
                    ch.append(j)
            self.prefs.append(full)
            self.choices.append(ch)
            if self.groups is not None:
                self.groups.append([group_of.get((j, st.school), -1) for j in ch])
        self.group_of = group_of

    def eligible(self, k: int, j: int) -> bool:
        """Whether site ``j`` may take student ``k`` at all (eligibility and ranking)."""
        rank = self.own_rank[j]
        return (k, j) not in self.forbidden and (rank is None or k in rank)


def _lecturers(c: _Compiled) -> tuple[list[int], list[int], list[list[int]], list[int | None]]:
    """Map sites to SPA-S lecturers for the deferred-acceptance path.

    Returns ``(site_lect, lect_caps, lect_lists, lect_inst)``: a lecturer is either one
    shared instructor (ordering students by the shared order) or the pooled private
    instructors of one site (ordering by the site's priority); ``lect_inst`` gives the
    real instructor id of a lecturer, or ``None`` for a pool.
    """
    served: dict[int, list[int]] = {}
    for j, insts in enumerate(c.site_insts):
        for i in insts:
            served.setdefault(i, []).append(j)
    big = len(c.students) + 1
    site_lect: list[int] = []
    lect_caps: list[int] = []
    lect_lists: list[list[int]] = []
    lect_inst: list[int | None] = []
    shared: dict[int, int] = {}
    for j, insts in enumerate(c.site_insts):
        rank = c.own_rank[j]
        private = all(served[i] == [j] for i in insts)
        if rank is None and len(insts) == 1 and not private:
            i = insts[0]
            if any(c.own_rank[q] is not None or len(c.site_insts[q]) > 1 for q in served[i]):
                raise ValueError(
                    f"instructor {c.insts[i]!r} serves several sites; when sites rank "
                    "students, such an instructor must be the only instructor of sites "
                    "that use the shared priority order"
                )
            if i not in shared:
                shared[i] = len(lect_caps)
                lect_caps.append(c.inst_caps[i])
                lect_lists.append(c.order)
                lect_inst.append(i)
            site_lect.append(shared[i])
            continue
        if not private:
            names = ", ".join(repr(c.insts[i]) for i in insts if served[i] != [j])
            raise ValueError(
                f"site {c.sites[j]!r} shares instructors ({names}) with other sites; this "
                "needs the shared priority order (no site rankings) or one instructor"
            )
        site_lect.append(len(lect_caps))
        lect_caps.append(sum(c.inst_caps[i] for i in insts) if insts else big)
        if rank is None:
            lect_lists.append(c.order)
        else:
            lst = [0] * len(rank)
            for k, r in rank.items():
                lst[r] = k
            lect_lists.append(lst)
        lect_inst.append(insts[0] if len(insts) == 1 else None)
    return site_lect, lect_caps, lect_lists, lect_inst


def _lect_rank(c: _Compiled, site_lect: list[int], lect_lists: list[list[int]]):
    """Return ``rank(k, j)``: the rank of student ``k`` for the lecturer of site ``j``."""
    pos = []
    for lst in lect_lists:
        if lst is c.order:
            pos.append(c.prio)
        else:
            pos.append({k: r for r, k in enumerate(lst)})
    return lambda k, j: pos[site_lect[j]][k]


def allocate(problem: Problem, *, explain: bool = True, method: str = "auto") -> Result:
    """Allocate students to sites: stable, student-optimal, explained.

    Same problem (including ``seed``) gives the same result. Raises ``ValueError`` naming
    the offender on bad input (unknown or duplicate ids, negative capacities, unknown
    sites in preferences, unknown students in rankings or forbidden pairs...).
    ``method`` is ``"auto"`` (serial dictatorship unless a site ranks students) or
    ``"deferred_acceptance"`` to force the SPA-S algorithm (same result; for checks).
    """
    if method not in ("auto", "deferred_acceptance"):
        raise ValueError(f"unknown method {method!r}")
    c = _Compiled(problem)
    n = len(c.students)
    uses_da = method != "auto" or any(r is not None for r in c.own_rank)
    reasons: list[list[int]] | None = None
    inst_of: list[int | None] = [None] * n
    if not uses_da:
        method = "serial_dictatorship"
        assign, reasons, flow = sd_general(
            c.order,
            c.choices,
            c.groups,
            c.caps,
            c.group_caps,
            c.site_insts,
            c.inst_caps,
            explain=explain,
        )
        lect_load: list[int] = []
    else:
        method = "deferred_acceptance"
        flow = None
        site_lect, lect_caps, lect_lists, lect_inst = _lecturers(c)
        rank_of = _lect_rank(c, site_lect, lect_lists)
        ranks = [[rank_of(k, j) for j in ch] for k, ch in enumerate(c.choices)]
        assign = da_laminar(
            c.choices, ranks, c.groups, site_lect, c.caps, lect_caps, c.group_caps, lect_lists
        )
        lect_load = [0] * len(lect_caps)
        for a in assign:
            if a >= 0:
                lect_load[site_lect[a]] += 1
    first_pass = list(assign)
    outside = [False] * n
    if problem.second_pass:
        left = list(c.caps)
        g_left = list(c.group_caps)
        for k, a in enumerate(assign):
            if a >= 0:
                left[a] -= 1
                g = c.group_of.get((a, c.school[k]), -1)
                if g >= 0:
                    g_left[g] -= 1
        m = len(c.sites)
        for k in c.order:
            if assign[k] >= 0:
                continue
            cands = sorted(
                (j for j in range(m) if left[j] > 0 and c.eligible(k, j)), key=lambda j: -left[j]
            )
            for j in cands:
                g = c.group_of.get((j, c.school[k]), -1)
                if g >= 0 and g_left[g] <= 0:
                    continue
                if flow is not None:
                    if c.site_insts[j] and not flow.add(j):
                        continue
                elif uses_da:
                    lec = site_lect[j]
                    if lect_load[lec] >= lect_caps[lec]:
                        continue
                    lect_load[lec] += 1
                assign[k] = j
                outside[k] = j not in c.prefs[k]
                left[j] -= 1
                if g >= 0:
                    g_left[g] -= 1
                break
    # Field instructor of each student.
    at_site: list[list[int]] = [[] for _ in c.sites]
    for k in c.order:
        if assign[k] >= 0:
            at_site[assign[k]].append(k)
    for j, ks in enumerate(at_site):
        insts = c.site_insts[j]
        if not insts:
            continue
        if flow is not None:
            slots = [i for i, f in zip(insts, flow.flow[j]) for _ in range(f)]
        elif len(insts) == 1:
            slots = insts * len(ks)
        else:  # pooled private instructors of a ranked site, in the site's order
            rank = c.own_rank[j]
            if rank is not None:
                ks.sort(key=rank.__getitem__)
            slots = [i for i in insts for _ in range(c.inst_caps[i])]
        for k, i in zip(ks, slots):
            inst_of[k] = i
    explanations = (
        _explain(
            c, first_pass, reasons, site_lect if uses_da else None, lect_lists if uses_da else None
        )
        if explain
        else {}
    )
    return _result(c, assign, outside, inst_of, explanations, method)


def _explain(
    c: _Compiled,
    assign: list[int],
    reasons: list[list[int]] | None,
    site_lect: list[int] | None,
    lect_lists: list[list[int]] | None,
) -> dict[str, tuple[Rejection, ...]]:
    """Reasons for every site ranked above each student's (first-pass) outcome."""
    counts = None
    if reasons is None and site_lect is not None and lect_lists is not None:
        rank_of = _lect_rank(c, site_lect, lect_lists)
        by_site: list[list[int]] = [[] for _ in c.sites]
        by_lect: list[list[int]] = [[] for _ in lect_lists]
        by_group: list[list[int]] = [[] for _ in c.group_caps]
        for k, a in enumerate(assign):
            if a >= 0:
                r = rank_of(k, a)
                by_site[a].append(r)
                by_lect[site_lect[a]].append(r)
                g = c.group_of.get((a, c.school[k]), -1)
                if g >= 0:
                    by_group[g].append(r)
        for lst in (*by_site, *by_lect, *by_group):
            lst.sort()
        counts = (rank_of, by_site, by_lect, by_group)
    out: dict[str, tuple[Rejection, ...]] = {}
    for k, sid in enumerate(c.students):
        a = assign[k]
        rows: list[Rejection] = []
        codes = iter(reasons[k]) if reasons is not None else None
        for pos, j in enumerate(c.prefs[k], start=1):
            if j == a:
                break
            site = c.sites[j]
            if not c.plain:  # plain problems have no forbidden pair and no ranking sites
                why = c.forbidden.get((k, j))
                if why is not None:
                    rows.append(Rejection(site, pos, Reason.NOT_ELIGIBLE, why))
                    continue
                if not c.eligible(k, j):
                    rows.append(Rejection(site, pos, Reason.NOT_RANKED))
                    continue
            if codes is not None:
                rows.append(Rejection(site, pos, _CODE[next(codes)]))
                continue
            assert counts is not None and site_lect is not None
            rank_of, by_site, by_lect, by_group = counts
            r = rank_of(k, j)
            g = c.group_of.get((j, c.school[k]), -1)
            lec = site_lect[j]
            if bisect_left(by_site[j], r) >= c.caps[j]:
                reason = Reason.SITE_FULL
            elif g >= 0 and bisect_left(by_group[g], r) >= c.group_caps[g]:
                reason = Reason.SCHOOL_QUOTA
            else:
                reason = Reason.INSTRUCTORS_FULL
                # stability guarantees: bisect_left(by_lect[lec], r) >= lecturer capacity
                del lec
            rows.append(Rejection(site, pos, reason))
        out[sid] = tuple(rows)
    return out


def _result(
    c: _Compiled,
    assign: list[int],
    outside: list[bool],
    inst_of: list[int | None],
    explanations: dict[str, tuple[Rejection, ...]],
    method: str,
) -> Result:
    placements: dict[str, Placement] = {}
    allocation: dict[str, str | None] = {}
    seats = list(c.caps)
    stats: dict[str, list[int]] = {}
    for k, sid in enumerate(c.students):
        a = assign[k]
        site = c.sites[a] if a >= 0 else None
        allocation[sid] = site
        rank = None
        if a >= 0:
            seats[a] -= 1
            if not outside[k]:
                rank = c.prefs[k].index(a) + 1
        i = inst_of[k]
        placements[sid] = Placement(
            sid, site, c.insts[i] if i is not None else None, rank, outside[k]
        )
        stats.setdefault(c.school[k], []).append(0 if a < 0 else (-1 if rank is None else rank))

    def figures(vals: list[int]) -> tuple[int, int, int, int, float | None]:
        ranks = [v for v in vals if v > 0]
        placed = sum(1 for v in vals if v != 0)
        mean = round(sum(ranks) / len(ranks), 4) if ranks else None
        return (
            placed,
            len(ranks),
            sum(1 for v in ranks if v == 1),
            sum(1 for v in ranks if v <= 3),
            mean,
        )

    all_vals = [v for vals in stats.values() for v in vals]
    placed, within, first, top3, mean = figures(all_vals)
    per_school = {}
    for sch in sorted(stats):
        p_, _, f_, t_, m_ = figures(stats[sch])
        per_school[sch] = SchoolSummary(len(stats[sch]), p_, f_, t_, m_)
    summary = Summary(
        students=len(c.students),
        placed=placed,
        placed_in_preferences=within,
        placed_outside_preferences=placed - within,
        unplaced=len(c.students) - placed,
        first_choice=first,
        top_three=top3,
        mean_rank=mean,
        unfilled_seats={c.sites[j]: s for j, s in enumerate(seats)},
        per_school=per_school,
    )
    return Result(
        allocation=allocation,
        placements=placements,
        explanations=explanations,
        removed_pairs=list(c.removed),
        summary=summary,
        priority=tuple(c.students[k] for k in c.order),
        method=method,
    )


def check_valid(problem: Problem, result: Result) -> None:
    """Raise ``ValueError`` unless ``result`` respects every constraint of ``problem``.

    Checks seats, school quotas, eligibility, site rankings, and that each student's
    instructor serves their site without exceeding any instructor's capacity.
    """
    c = _Compiled(problem)
    stu_idx = {s: k for k, s in enumerate(c.students)}
    site_idx = {p: j for j, p in enumerate(c.sites)}
    inst_idx = {x: i for i, x in enumerate(c.insts)}
    seats = [0] * len(c.sites)
    groups = [0] * len(c.group_caps)
    load = [0] * len(c.insts)
    for s, pl in result.placements.items():
        k = stu_idx[s]
        if pl.site is None:
            continue
        j = site_idx[pl.site]
        if not c.eligible(k, j):
            raise ValueError(f"student {s!r} placed at ineligible site {pl.site!r}")
        seats[j] += 1
        g = c.group_of.get((j, c.school[k]), -1)
        if g >= 0:
            groups[g] += 1
        if c.site_insts[j]:
            if pl.instructor is None or inst_idx[pl.instructor] not in c.site_insts[j]:
                raise ValueError(f"student {s!r} has no valid instructor at {pl.site!r}")
            load[inst_idx[pl.instructor]] += 1
    for j, n in enumerate(seats):
        if n > c.caps[j]:
            raise ValueError(f"site {c.sites[j]!r} is over capacity")
    for (j, sch), g in c.group_of.items():
        if groups[g] > c.group_caps[g]:
            raise ValueError(f"site {c.sites[j]!r} exceeds its quota for school {sch!r}")
    for i, n in enumerate(load):
        if n > c.inst_caps[i]:
            raise ValueError(f"instructor {c.insts[i]!r} is over capacity")


def blocking_pairs(problem: Problem, result: Result) -> list[tuple[str, str]]:
    """Pairs ``(student, site)`` with justified envy in ``result`` (empty when stable).

    ``(s, p)`` blocks when ``s`` is eligible and acceptable at ``p``, prefers ``p`` to
    their outcome, and ``p`` could take ``s`` after giving up at most one student of lower
    priority than ``s``: equivalently (all constraints form a gammoid), the students placed
    with priority above ``s`` plus ``s`` at ``p`` fit the seats, the school quota and the
    instructors. Priority is ``p``'s ranking, or the shared order. Instructor feasibility
    is decided by a fresh max-flow, independent of the solver. Meant for checks.
    """
    c = _Compiled(problem)
    site_idx = {p: j for j, p in enumerate(c.sites)}
    assign = [
        site_idx[result.allocation[s]] if result.allocation.get(s) else -1 for s in c.students
    ]
    pairs = []
    for k, sid in enumerate(c.students):
        a = assign[k]
        for j in c.prefs[k]:
            if j == a:
                break
            if not c.eligible(k, j):
                continue
            own = c.own_rank[j]
            if own is not None:
                higher = [t for t in range(len(assign)) if assign[t] == j and own[t] < own[k]]
            else:
                higher = [
                    t
                    for t in range(len(assign))
                    if assign[t] >= 0 and c.own_rank[assign[t]] is None and c.prio[t] < c.prio[k]
                ]
            if sum(1 for t in higher if assign[t] == j) >= c.caps[j]:
                continue
            g = c.group_of.get((j, c.school[k]), -1)
            if g >= 0:
                same = sum(1 for t in higher if assign[t] == j and c.school[t] == c.school[k])
                if same >= c.group_caps[g]:
                    continue
            if c.site_insts[j]:
                fl = InstructorFlow(c.site_insts, c.inst_caps, len(c.insts))
                sites = [assign[t] for t in higher if c.site_insts[assign[t]]]
                if not all(fl.add(q) for q in sites) or not fl.add(j):
                    continue
            pairs.append((sid, c.sites[j]))
    return pairs
