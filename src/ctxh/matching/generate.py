"""Random instance generators for tests and ``bench/matching.py`` (deterministic by seed)."""

from __future__ import annotations

import random


def _pick(rng: random.Random, n: int, k: int, cum: list[float]) -> list[int]:
    """Draw ``k`` distinct indices in ``range(n)``, weighted by popularity."""
    k = min(k, n)
    out: list[int] = []
    seen: set[int] = set()
    while len(out) < k:
        for j in rng.choices(range(n), cum_weights=cum, k=k - len(out)):
            if j not in seen:
                seen.add(j)
                out.append(j)
    return out


def hr_instance(
    n_students: int,
    n_sites: int,
    choices: int = 10,
    seat_ratio: float = 1.1,
    seed: int = 0,
    shared_order: bool = True,
    drop: float = 0.0,
    skew: float = 0.7,
) -> tuple[dict[str, list[str]], dict[str, list[str]], dict[str, int]]:
    """A Hospitals/Residents instance ``(student_prefs, site_prefs, capacities)``.

    Students rank ``choices`` distinct sites drawn with a Zipf-like popularity (exponent
    ``skew``); there are ``seat_ratio * n_students`` seats spread at random. Each site
    ranks exactly the students who ranked it: in one shared lottery order when
    ``shared_order`` (the practicum default), else in its own random order. ``drop`` is
    the probability that a site leaves out a student who ranked it (an unacceptable pair).
    """
    rng = random.Random(seed)
    students = [f"s{k}" for k in range(n_students)]
    sites = [f"p{j}" for j in range(n_sites)]
    weights = [1.0 / (j + 1) ** skew for j in range(n_sites)]
    rng.shuffle(weights)
    cum = []
    acc = 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    student_prefs = {s: [sites[j] for j in _pick(rng, n_sites, choices, cum)] for s in students}
    seats = round(seat_ratio * n_students)
    caps = [seats // n_sites] * n_sites
    for j in rng.sample(range(n_sites), seats - sum(caps)):
        caps[j] += 1
    capacities = dict(zip(sites, caps))
    order = students[:]
    rng.shuffle(order)
    ranked: dict[str, list[str]] = {p: [] for p in sites}
    for s in order:
        for p in student_prefs[s]:
            if not drop or rng.random() >= drop:
                ranked[p].append(s)
    if not shared_order:
        for lst in ranked.values():
            rng.shuffle(lst)
    return student_prefs, ranked, capacities


def spa_instance(
    n_students: int,
    n_sites: int,
    n_instructors: int,
    choices: int = 10,
    seat_ratio: float = 1.1,
    instructor_ratio: float = 0.9,
    seed: int = 0,
    shared_order: bool = True,
    drop: float = 0.0,
) -> tuple[
    dict[str, list[str]], dict[str, list[str]], dict[str, str], dict[str, int], dict[str, int]
]:
    """A textbook SPA-S instance (one instructor per site, ``n_instructors <= n_sites``).

    Returns ``(student_prefs, instructor_prefs, site_instructor, site_capacities,
    instructor_capacities)``. Instructor capacities total about ``instructor_ratio`` times
    the seats of their sites (so they bind), and never exceed them. An instructor ranks
    every student who ranked one of its sites, in a shared lottery order or its own.
    """
    rng = random.Random(seed)
    student_prefs, _, capacities = hr_instance(
        n_students, n_sites, choices, seat_ratio, seed=rng.randrange(1 << 30)
    )
    instructors = [f"i{j}" for j in range(n_instructors)]
    sites = list(capacities)
    site_instructor = {p: instructors[j % n_instructors] for j, p in enumerate(sites)}
    items = list(site_instructor.items())
    rng.shuffle(items)
    site_instructor = dict(sorted(items, key=lambda kv: int(kv[0][1:])))
    total: dict[str, int] = dict.fromkeys(instructors, 0)
    for p, x in site_instructor.items():
        total[x] += capacities[p]
    inst_caps = {x: max(1, min(t, round(t * instructor_ratio))) for x, t in total.items()}
    order = list(student_prefs)
    rng.shuffle(order)
    ranked: dict[str, list[str]] = {x: [] for x in instructors}
    for s in order:
        seen = set()
        for p in student_prefs[s]:
            x = site_instructor[p]
            if x not in seen:
                seen.add(x)
                if not drop or rng.random() >= drop:
                    ranked[x].append(s)
    if not shared_order:
        for lst in ranked.values():
            rng.shuffle(lst)
    return student_prefs, ranked, site_instructor, capacities, inst_caps
