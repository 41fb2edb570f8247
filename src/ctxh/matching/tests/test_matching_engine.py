"""Rich API: quotas, shared instructors, eligibility, explanations, second pass."""

from __future__ import annotations

import itertools
import random
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxh.matching import (
    Instructor,
    Problem,
    Reason,
    Site,
    Student,
    allocate,
    blocking_pairs,
    check_valid,
    find_blocking_pairs,
    solve_spa,
)

SCHOOLS = ["A", "B", "C"]


def rand_problem(seed, n=30, m=5, ni=4, multi=True, ranked=False, second_pass=None):
    rng = random.Random(seed)
    sites_ids = [f"p{j}" for j in range(m)]
    students = [
        Student(f"s{k}", tuple(rng.sample(sites_ids, rng.randint(0, 3))), rng.choice(SCHOOLS))
        for k in range(n)
    ]
    insts = [Instructor(f"i{i}", rng.randint(0, 5)) for i in range(ni)]
    sites = []
    for j in range(m):
        ins = tuple(rng.sample([x.id for x in insts], rng.randint(0, 2 if multi else 1)))
        quotas = {sch: rng.randint(0, 3) for sch in SCHOOLS if rng.random() < 0.3}
        ranking = None
        if ranked and rng.random() < 0.5:
            ranking = tuple(rng.sample([s.id for s in students], rng.randint(0, n)))
        sites.append(Site(f"p{j}", rng.randint(0, 5), ins, quotas, ranking))
    forbidden = [(s.id, p) for s in students for p in s.preferences if rng.random() < 0.1]
    sp = rng.random() < 0.5 if second_pass is None else second_pass
    return Problem(students, sites, insts, forbidden, ["B"], seed=seed, second_pass=sp)


def feasible(problem, alloc):
    """Brute-force feasibility (seats, quotas, eligibility, instructor assignment)."""
    sites = {p.id: p for p in problem.sites}
    school = {s.id: s.school for s in problem.students}
    bad = set(problem.forbidden)
    placed = [(s, p) for s, p in alloc.items() if p is not None]
    if any((s, p) in bad for s, p in placed):
        return False
    for p in sites.values():
        at = [s for s, q in placed if q == p.id]
        if len(at) > p.capacity:
            return False
        if p.ranking is not None and any(s not in p.ranking for s in at):
            return False
        for sch, q in p.school_quotas.items():
            if sum(1 for s in at if school[s] == sch) > q:
                return False
    caps = {x.id: x.capacity for x in problem.instructors}
    need = [sites[p].instructors for _, p in placed if sites[p].instructors]
    for choice in itertools.product(*need):
        if all(choice.count(i) <= c for i, c in caps.items()):
            return True
    return not need


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_valid_stable_and_student_optimal_against_brute_force(seed, ranked):
    problem = rand_problem(seed, n=5, m=3, ni=2, multi=not ranked, ranked=ranked, second_pass=False)
    try:
        result = allocate(problem)
    except ValueError as exc:  # unsupported instructor sharing with site rankings
        assert "instructor" in str(exc)
        return
    check_valid(problem, result)
    assert blocking_pairs(problem, result) == []
    options = [[None, *s.preferences] for s in problem.students]
    ids = [s.id for s in problem.students]
    stable = []
    for combo in itertools.product(*options):
        alloc = dict(zip(ids, combo))
        if feasible(problem, alloc) and not blocking_pairs(
            problem, SimpleNamespace(allocation=alloc)
        ):
            stable.append(alloc)
    assert result.allocation in stable
    for other in stable:
        for s in problem.students:
            mine, theirs = result.allocation[s.id], other[s.id]
            if theirs is not None:
                assert mine is not None
                assert s.preferences.index(mine) <= s.preferences.index(theirs)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_random_problems_valid_and_stable(seed, ranked):
    problem = rand_problem(seed, multi=not ranked, ranked=ranked)
    try:
        result = allocate(problem)
    except ValueError:
        return
    check_valid(problem, result)
    assert find_blocking_pairs(problem, result) == []
    for s, pl in result.placements.items():
        assert pl.outside_preferences == (pl.site is not None and pl.rank is None)
        if pl.outside_preferences:
            assert problem.second_pass


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_serial_dictatorship_equals_spa_s_deferred_acceptance(seed):
    problem = rand_problem(seed, multi=False)
    a = allocate(problem)
    b = allocate(problem, method="deferred_acceptance")
    assert a.method == "serial_dictatorship" and b.method == "deferred_acceptance"
    assert a.allocation == b.allocation
    assert a.explanations == b.explanations


def test_matches_textbook_spa_with_shared_order():
    problem = rand_problem(11, n=200, m=12, ni=5, multi=False, second_pass=False)
    problem.forbidden = ()
    res = allocate(problem)
    order = list(res.priority)
    sp = {s.id: list(s.preferences) for s in problem.students}
    with_inst = [p for p in problem.sites if p.instructors and not p.school_quotas]
    keep = {p.id for p in with_inst}
    sp = {s: [p for p in v if p in keep] for s, v in sp.items()}
    si = {p.id: p.instructors[0] for p in with_inst}
    prob2 = Problem(
        [Student(s, tuple(v), "A") for s, v in sp.items()],
        with_inst,
        problem.instructors,
        seed=problem.seed,
    )
    ip = {x.id: list(allocate(prob2).priority) for x in problem.instructors}
    expected = solve_spa(
        sp,
        ip,
        si,
        {p.id: p.capacity for p in with_inst},
        {x.id: x.capacity for x in problem.instructors},
    )
    assert allocate(prob2).allocation == expected
    assert order  # the shared order is exposed


def test_deterministic_and_independent_of_listing_order():
    problem = rand_problem(5, n=100, m=8)
    a, b = allocate(problem), allocate(problem)
    assert a.allocation == b.allocation and a.explanations == b.explanations
    shuffled = Problem(
        list(reversed(problem.students)),
        problem.sites,
        problem.instructors,
        problem.forbidden,
        problem.school_priority,
        problem.seed,
        second_pass=problem.second_pass,
    )
    assert allocate(shuffled).allocation == a.allocation
    other = Problem(
        problem.students,
        problem.sites,
        problem.instructors,
        problem.forbidden,
        problem.school_priority,
        seed=problem.seed + 1,
    )
    assert allocate(other).priority != a.priority


def test_school_priority_comes_before_the_lottery():
    students = [Student(f"s{k}", ("X",), "A" if k % 2 else "B") for k in range(10)]
    res = allocate(Problem(students, [Site("X", 5)], school_priority=["A"], seed=3))
    assert all(s.school == "A" for s in students if res.allocation[s.id] == "X")
    assert [sid for sid in res.priority[:5]] == sorted(res.priority[:5], key=res.priority.index)


def test_explanations_name_each_reason():
    students = [
        Student("top", ("Full", "Quota", "Inst", "Banned", "Picky", "Free"), "A"),
        Student("me", ("Full", "Quota", "Inst", "Banned", "Picky", "Free"), "A"),
    ]
    sites = [
        Site("Full", 1),
        Site("Quota", 5, school_quotas={"A": 0}),
        Site("Inst", 5, instructors=("i1",)),
        Site("Banned", 5),
        Site("Picky", 5, ranking=("top",)),
        Site("Free", 5),
    ]
    problem = Problem(
        students,
        sites,
        [Instructor("i1", 0)],
        {("me", "Banned"): "wrong level"},
        school_priority=(),
        seed=1,
    )
    # make "top" first in the order regardless of the lottery
    problem.students = students
    res = allocate(problem)
    first = res.priority[0]
    second = res.priority[1]
    assert res.allocation[first] == "Full"
    rej = {r.site: r for r in res.explanations[second]}
    assert rej["Full"].reason is Reason.SITE_FULL
    assert rej["Quota"].reason is Reason.SCHOOL_QUOTA
    assert rej["Inst"].reason is Reason.INSTRUCTORS_FULL
    if second == "me":
        assert rej["Banned"].reason is Reason.NOT_ELIGIBLE and rej["Banned"].detail == "wrong level"
        assert rej["Picky"].reason is Reason.NOT_RANKED
        assert res.allocation["me"] == "Free"
        assert res.removed_pairs == [("me", "Banned", "wrong level")]
    assert "choice 1, Full" in res.explain(second)
    assert res.method == "deferred_acceptance"  # Picky ranks students


def test_explanations_under_serial_dictatorship_with_shared_instructors():
    students = [Student(f"s{k}", ("X", "Y"), "A") for k in range(4)]
    sites = [Site("X", 3, ("i1", "i2")), Site("Y", 3, ("i2",))]
    res = allocate(Problem(students, sites, [Instructor("i1", 1), Instructor("i2", 2)], seed=2))
    assert res.method == "serial_dictatorship"
    assert sorted(res.allocation.values(), key=str) == [None, "X", "X", "X"]
    last = res.priority[-1]
    assert [r.reason for r in res.explanations[last]] == [Reason.SITE_FULL, Reason.INSTRUCTORS_FULL]
    assert sorted(i for i in res.instructors.values() if i) == ["i1", "i2", "i2"]


def test_instructor_reassignment_by_augmenting_path():
    # First student takes i1 at X; the second needs X's students moved to i2 to take Y.
    students = [Student("a", ("X",), "A"), Student("b", ("Y",), "A"), Student("c", ("X",), "A")]
    sites = [Site("X", 2, ("i1", "i2")), Site("Y", 1, ("i1",))]
    res = allocate(Problem(students, sites, [Instructor("i1", 1), Instructor("i2", 1)], seed=0))
    placed = [s for s, p in res.allocation.items() if p]
    assert len(placed) == 2 and res.allocation["b"] in ("Y", None)
    check_valid(Problem(students, sites, [Instructor("i1", 1), Instructor("i2", 1)]), res)


def test_second_pass_places_outside_preferences_without_displacing():
    students = [Student("a", ("X",), "A"), Student("b", ("X",), "A"), Student("c", (), "B")]
    sites = [Site("X", 1), Site("Y", 1), Site("Z", 2), Site("W", 3)]
    base = Problem(students, sites, forbidden=[("b", "W")], seed=4)
    first = allocate(base)
    res = allocate(Problem(students, sites, forbidden=[("b", "W")], seed=4, second_pass=True))
    for s, p in first.allocation.items():
        if p is not None:
            assert res.allocation[s] == p  # nobody displaced
    out = [pl for pl in res.placements.values() if pl.outside_preferences]
    assert len(out) == 2 and all(pl.rank is None for pl in out)
    assert res.summary.placed_outside_preferences == 2
    loser = next(s for s in ("a", "b") if first.allocation[s] is None)
    assert res.allocation[loser] in ("Y", "Z", "W")
    assert res.allocation["b"] != "W"  # forbidden pairs stay forbidden in the second pass
    assert res.allocation["c"] == "W"  # processed first or not, W has the most free seats
    assert res.summary.unfilled_seats["X"] == 0


def test_summary_figures():
    students = [Student(f"s{k}", ("X", "Y", "Z", "W"), "A" if k < 3 else "B") for k in range(6)]
    sites = [Site("X", 1), Site("Y", 1), Site("Z", 1), Site("W", 1)]
    res = allocate(Problem(students, sites, seed=9))
    sm = res.summary
    assert (sm.students, sm.placed, sm.unplaced, sm.first_choice, sm.top_three) == (6, 4, 2, 1, 3)
    assert sm.mean_rank == 2.5
    assert sm.unfilled_seats == {"X": 0, "Y": 0, "Z": 0, "W": 0}
    assert sm.per_school["A"].students == 3
    assert sum(x.placed for x in sm.per_school.values()) == 4


@pytest.mark.parametrize(
    ("problem", "needle"),
    [
        (Problem([Student("a", ("Z",))], [Site("X", 1)]), "unknown site 'Z'"),
        (Problem([Student("a", ("X", "X"))], [Site("X", 1)]), "more than once"),
        (Problem([Student("a", ("X",))], [Site("X", -1)]), "negative capacity"),
        (Problem([Student("a", ("X",))], [Site("X", 1, ranking=("b",))]), "unknown student 'b'"),
        (Problem([Student("a", ())], [Site("X", 1, ("i",))]), "unknown instructor 'i'"),
        (Problem([Student("a", ())], [Site("X", 1)], [Instructor("i", -3)]), "negative"),
        (Problem([Student("a", ()), Student("a", ())], [Site("X", 1)]), "student 'a' is listed"),
        (Problem([Student("a", ())], [Site("X", 1)], forbidden=[("a", "Q")]), "unknown site 'Q'"),
        (Problem([Student("a", ())], [Site("X", 1, school_quotas={"A": -1})]), "negative"),
        (
            Problem([Student("a", ("X", "Y"))], [Site("X", 1), Site("Y", 1)], max_choices=1),
            "more than 1",
        ),
    ],
)
def test_bad_input(problem, needle):
    with pytest.raises(ValueError, match=needle):
        allocate(problem)


def test_unsupported_instructor_sharing_with_rankings_is_refused():
    students = [Student("a", ("X", "Y"))]
    sites = [Site("X", 1, ("i",), ranking=("a",)), Site("Y", 1, ("i",))]
    with pytest.raises(ValueError, match="shares instructors"):
        allocate(Problem(students, sites, [Instructor("i", 1)]))
