"""Identical allocations to the reference ``matching`` package (1.4.3, test-only)."""

from __future__ import annotations

import sys
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxh.matching import solve_hr, solve_spa
from ctxh.matching.generate import hr_instance, spa_instance

games = pytest.importorskip("matching.games")
warnings.simplefilter("default")  # ``matching`` switches warnings to "always" on import


def _decode(students, matching):
    out = dict.fromkeys(students)
    for site, members in matching.items():
        for m in members:
            out[m.name] = site.name
    return out


def package_hr(sp, hp, caps, clean):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = games.HospitalResident.create_from_dictionaries(sp, hp, caps, clean=clean)
        return _decode(sp, game.solve(optimal="resident"))


def package_spa(sp, ip, si, caps, icaps, clean):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = games.StudentAllocation.create_from_dictionaries(
            sp, ip, si, caps, icaps, clean=clean
        )
        return _decode(sp, game.solve(optimal="student"))


@pytest.fixture(autouse=True)
def _recursion_limit():
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20_000))  # the package deep-copies linked players
    yield
    sys.setrecursionlimit(old)


@settings(max_examples=12, deadline=None)
@given(
    st.integers(0, 10**6),
    st.integers(200, 600),
    st.booleans(),
    st.sampled_from([0.0, 0.1]),
)
def test_hr_identical_to_matching_package(seed, n, shared, drop):
    inst = hr_instance(n, max(5, n // 15), 6, 1.0, seed=seed, shared_order=shared, drop=drop)
    # Unacceptable pairs (drop > 0) need clean=True: without it the package crashes.
    assert solve_hr(*inst) == package_hr(*inst, clean=drop > 0)


@settings(max_examples=12, deadline=None)
@given(
    st.integers(0, 10**6),
    st.integers(200, 500),
    st.booleans(),
    st.sampled_from([0.0, 0.1]),
)
def test_spa_identical_to_matching_package(seed, n, shared, drop):
    inst = spa_instance(
        n, max(6, n // 15), max(2, n // 50), 6, seed=seed, shared_order=shared, drop=drop
    )
    assert solve_spa(*inst) == package_spa(*inst, clean=drop > 0)


def test_package_quirk_unreciprocated_pair_crashes_without_clean():
    """Documented quirk: a student ranking a site that does not rank them breaks it."""
    sp = {"a": ["X"]}
    hp = {"X": []}
    with pytest.raises(ValueError):
        package_hr(sp, hp, {"X": 1}, clean=False)
    assert solve_hr(sp, hp, {"X": 1}) == {"a": None}
