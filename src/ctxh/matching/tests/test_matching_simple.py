"""Textbook entry points: validity, stability, student-optimality, bad input."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxh.matching import (
    find_blocking_pairs,
    find_blocking_pairs_hr,
    find_blocking_pairs_spa,
    solve_hr,
    solve_spa,
)
from ctxh.matching.generate import hr_instance, spa_instance

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def tiny_hr(seed: int, n: int = 5, m: int = 3):
    """A tiny HR instance with random (not necessarily reciprocal) rankings."""
    rng = random.Random(seed)
    sites = [f"p{j}" for j in range(m)]
    students = [f"s{k}" for k in range(n)]
    sp = {s: rng.sample(sites, rng.randint(0, m)) for s in students}
    hp = {p: rng.sample(students, rng.randint(0, n)) for p in sites}
    caps = {p: rng.randint(0, 2) for p in sites}
    return sp, hp, caps


def tiny_spa(seed: int, n: int = 5, m: int = 3, k: int = 2):
    rng = random.Random(seed)
    sites = [f"p{j}" for j in range(m)]
    insts = [f"i{j}" for j in range(k)]
    students = [f"s{x}" for x in range(n)]
    sp = {s: rng.sample(sites, rng.randint(0, m)) for s in students}
    ip = {i: rng.sample(students, rng.randint(0, n)) for i in insts}
    si = {p: rng.choice(insts) for p in sites}
    caps = {p: rng.randint(0, 2) for p in sites}
    icaps = {i: rng.randint(0, 3) for i in insts}
    return sp, ip, si, caps, icaps


def all_matchings(sp, acceptable, fits):
    """Every valid allocation: each student unplaced or at an acceptable site."""
    students = list(sp)
    options = [[None] + [p for p in sp[s] if acceptable(s, p)] for s in students]
    for combo in itertools.product(*options):
        alloc = dict(zip(students, combo))
        if fits(alloc):
            yield alloc


def better_or_equal(prefs, a, b):
    """Whether outcome ``a`` is at least as good as ``b`` for a student with ``prefs``."""
    if b is None:
        return True
    if a is None:
        return False
    return prefs.index(a) <= prefs.index(b)


@settings(max_examples=150, deadline=None)
@given(SEEDS)
def test_hr_valid_stable_and_student_optimal(seed):
    sp, hp, caps = tiny_hr(seed)
    out = solve_hr(sp, hp, caps)
    assert set(out) == set(sp)
    assert find_blocking_pairs_hr(sp, hp, caps, out) == []

    def fits(alloc):
        return all(sum(1 for v in alloc.values() if v == p) <= c for p, c in caps.items())

    stable = [
        m
        for m in all_matchings(sp, lambda s, p: s in hp[p], fits)
        if not find_blocking_pairs_hr(sp, hp, caps, m)
    ]
    assert out in stable
    for m in stable:
        for s in sp:
            assert better_or_equal(sp[s], out[s], m[s])


@settings(max_examples=150, deadline=None)
@given(SEEDS)
def test_spa_valid_stable_and_student_optimal(seed):
    sp, ip, si, caps, icaps = tiny_spa(seed)
    out = solve_spa(sp, ip, si, caps, icaps)
    assert find_blocking_pairs_spa(sp, ip, si, caps, icaps, out) == []

    def fits(alloc):
        ok = all(sum(1 for v in alloc.values() if v == p) <= c for p, c in caps.items())
        return ok and all(
            sum(1 for v in alloc.values() if v is not None and si[v] == i) <= c
            for i, c in icaps.items()
        )

    stable = [
        m
        for m in all_matchings(sp, lambda s, p: s in ip[si[p]], fits)
        if not find_blocking_pairs_spa(sp, ip, si, caps, icaps, m)
    ]
    assert out in stable
    for m in stable:
        for s in sp:
            assert better_or_equal(sp[s], out[s], m[s])


@settings(max_examples=30, deadline=None)
@given(SEEDS, st.booleans(), st.sampled_from([0.0, 0.15]))
def test_medium_instances_are_valid_and_stable(seed, shared, drop):
    sp, hp, caps = hr_instance(300, 25, 6, 0.9, seed=seed % 10_000, shared_order=shared, drop=drop)
    out = solve_hr(sp, hp, caps)
    for p, c in caps.items():
        assert sum(1 for v in out.values() if v == p) <= c
    for s, p in out.items():
        assert p is None or (p in sp[s] and s in hp[p])
    assert find_blocking_pairs(sp, hp, caps, out) == []
    inst = spa_instance(300, 25, 8, 6, seed=seed % 10_000, shared_order=shared, drop=drop)
    assert find_blocking_pairs(*inst, solve_spa(*inst)) == []


def test_textbook_example():
    sp = {"a": ["X", "Y"], "b": ["X"], "c": ["X", "Y"]}
    hp = {"X": ["b", "c", "a"], "Y": ["a", "c"]}
    assert solve_hr(sp, hp, {"X": 1, "Y": 1}) == {"a": "Y", "b": "X", "c": None}


def test_site_not_ranking_student_is_unacceptable_and_extra_rankings_ignored():
    sp = {"a": ["X", "Y"], "b": ["Y"]}
    hp = {"X": ["b"], "Y": ["b", "a"]}  # X ranks b who did not rank X: ignored
    assert solve_hr(sp, hp, {"X": 5, "Y": 1}) == {"a": None, "b": "Y"}


def test_blocking_pairs_detected_and_dispatch():
    sp = {"a": ["X"], "b": ["X"]}
    hp = {"X": ["a", "b"]}
    caps = {"X": 1}
    assert find_blocking_pairs(sp, hp, caps, {"a": None, "b": "X"}) == [("a", "X")]
    assert find_blocking_pairs_hr(sp, hp, caps, {"a": None, "b": None}) == [("a", "X"), ("b", "X")]
    spa = (sp, {"L": ["b", "a"]}, {"X": "L"}, {"X": 1}, {"L": 1})
    assert find_blocking_pairs(*spa, {"a": "X", "b": None}) == [("b", "X")]
    kw = dict(
        zip(
            [
                "student_prefs",
                "instructor_prefs",
                "site_instructor",
                "site_capacities",
                "instructor_capacities",
            ],
            spa,
        )
    )
    assert find_blocking_pairs(**kw, allocation={"a": None, "b": "X"}) == []
    with pytest.raises(TypeError):
        find_blocking_pairs(sp, hp, caps)


def test_spa_blocking_case_b_student_already_with_instructor():
    # b holds Y (instructor L full); b prefers X of the same instructor with a free seat.
    sp = {"b": ["X", "Y"]}
    spa = (sp, {"L": ["b"]}, {"X": "L", "Y": "L"}, {"X": 1, "Y": 1}, {"L": 1})
    assert find_blocking_pairs_spa(*spa, {"b": "Y"}) == [("b", "X")]
    assert solve_spa(*spa) == {"b": "X"}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (({"a": ["Z"]}, {"X": ["a"]}, {"X": 1}), "unknown site 'Z'"),
        (({"a": ["X", "X"]}, {"X": ["a"]}, {"X": 1}), "site 'X' more than once"),
        (({"a": ["X"]}, {"X": ["a"]}, {"X": -1}), "negative capacity"),
        (({"a": ["X"]}, {"X": ["a", "ghost"]}, {"X": 1}), "unknown student 'ghost'"),
        (({"a": ["X"]}, {"X": ["a", "a"]}, {"X": 1}), "student 'a' more than once"),
        (({"a": ["X"]}, {"X": ["a"]}, {}), "site 'X' has no capacity"),
        (({"a": ["X"]}, {"X": ["a"]}, {"X": 1.5}), "non-integer capacity"),
        (({"a": "X"}, {"X": ["a"]}, {"X": 1}), "must be a list"),
    ],
)
def test_hr_bad_input(args, needle):
    with pytest.raises(ValueError, match=needle.replace("(", r"\(")):
        solve_hr(*args)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (({"a": ["Z"]}, {"L": ["a"]}, {"X": "L"}, {"X": 1}, {"L": 1}), "unknown site 'Z'"),
        (({"a": ["X"]}, {"L": ["a"]}, {"X": "M"}, {"X": 1}, {"L": 1}), "unknown instructor 'M'"),
        (({"a": ["X"]}, {"L": ["a"]}, {"X": "L"}, {"X": 1}, {"L": -2}), "negative capacity"),
        (({"a": ["X"]}, {"L": ["b"]}, {"X": "L"}, {"X": 1}, {"L": 1}), "unknown student 'b'"),
        (({"a": ["X", "X"]}, {"L": ["a"]}, {"X": "L"}, {"X": 1}, {"L": 1}), "more than once"),
        (({"a": ["X"]}, {"L": ["a"]}, {"X": "L"}, {"X": 1, "Y": 1}, {"L": 1}), "unknown site"),
        (({"a": ["X"]}, {"M": ["a"]}, {"X": "L"}, {"X": 1}, {"L": 1}), "instructor 'M'"),
    ],
)
def test_spa_bad_input(args, needle):
    with pytest.raises(ValueError, match=needle):
        solve_spa(*args)


def test_invalid_allocation_rejected_by_checker():
    sp = {"a": ["X"], "b": ["X"]}
    hp = {"X": ["a"]}
    with pytest.raises(ValueError, match="unacceptable"):
        find_blocking_pairs_hr(sp, hp, {"X": 2}, {"a": "X", "b": "X"})
    with pytest.raises(ValueError, match="capacity"):
        find_blocking_pairs_hr(sp, {"X": ["a", "b"]}, {"X": 1}, {"a": "X", "b": "X"})
    with pytest.raises(ValueError, match="unknown student"):
        find_blocking_pairs_hr(sp, hp, {"X": 1}, {"z": None})


def test_deterministic():
    inst = hr_instance(500, 30, 5, 1.0, seed=7, shared_order=False)
    assert solve_hr(*inst) == solve_hr(*inst)
    spa = spa_instance(500, 30, 10, 5, seed=7, shared_order=False)
    assert solve_spa(*spa) == solve_spa(*spa)
