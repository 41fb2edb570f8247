"""Benchmark of the allocation engine ``ctxh.matching`` (run from the repo root).

    python bench/matching.py           # full run (about a minute, mostly the reference package)
    python bench/matching.py --quick   # small smoke run for CI (a few seconds)

Every figure is measured in this run and printed next to its target with PASS or MISS.
Our timings are the best of several repetitions (``--repeat``); the reference package is
run once (it takes seconds to minutes). Instance generation is never timed.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# This file is called matching.py: drop its folder from the path so that ``import matching``
# finds the reference package, and put the repository's src/ first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent / "src"))

from ctxh.matching import Instructor, Problem, Site, Student, allocate, solve_hr  # noqa: E402
from ctxh.matching._core import sd_general  # noqa: E402
from ctxh.matching.engine import _Compiled  # noqa: E402
from ctxh.matching.generate import hr_instance  # noqa: E402
from ctxh.matching.simple import CompiledHR, find_blocking_pairs_hr  # noqa: E402

ROWS: list[tuple[str, str, str, bool | None]] = []


QUICK = False


def report(label: str, value: str, target: str = "", ok: bool | None = None) -> None:
    """Print one figure with its target and verdict (no verdicts in a quick run)."""
    if QUICK and ok is not None:
        target, ok = "(full run)", None
    verdict = "" if ok is None else ("PASS" if ok else "MISS")
    ROWS.append((label, value, target, ok))
    print(f"  {label:<58} {value:>14}  {target:<14} {verdict}", flush=True)


def best(fn, repeat: int) -> tuple[float, float, object]:
    """(best, median) wall time of ``fn`` over ``repeat`` runs, and its last result."""
    times = []
    out = None
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), out


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


def to_problem(sp, caps, insts=None, site_insts=None, seed=0) -> Problem:
    """The same instance for the rich API (shared priority order: lottery from ``seed``)."""
    students = [Student(s, tuple(v), f"school{hash_school(s)}") for s, v in sp.items()]
    sites = [Site(p, c, tuple(site_insts[p]) if site_insts else ()) for p, c in caps.items()]
    return Problem(students, sites, insts or (), seed=seed)


def hash_school(s: str) -> int:
    return int(s[1:]) % 12


def instructors_for(caps: dict[str, int], n_inst: int, seed: int):
    """``n_inst`` instructors over the sites: 2-5 per site, some shared between sites."""
    rng = random.Random(seed)
    ids = [f"i{k}" for k in range(n_inst)]
    site_insts: dict[str, list[str]] = {}
    pool = ids[:]
    rng.shuffle(pool)
    it = iter(pool)
    for p in caps:
        k = rng.randint(2, 4)
        chosen = []
        for _ in range(k):
            x = next(it, None) or rng.choice(ids)
            if x not in chosen:
                chosen.append(x)
        site_insts[p] = chosen
    for x in it:  # leftover instructors join a random site
        site_insts[rng.choice(list(caps))].append(x)
    for p in rng.sample(list(caps), len(caps) // 3):  # a third of sites share one colleague
        x = rng.choice(ids)
        if x not in site_insts[p]:
            site_insts[p].append(x)
    load: dict[str, int] = dict.fromkeys(ids, 0)
    for p, xs in site_insts.items():
        for x in xs:
            load[x] += caps[p] / len(xs)
    insts = [Instructor(x, max(1, round(load[x] * 0.9))) for x in ids]
    return insts, site_insts


def package_run(sp, hp, caps):
    """Build and solve with ``matching`` 1.4.3; returns (seconds, allocation)."""
    from matching.games import HospitalResident

    warnings.simplefilter("ignore")
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 10 * len(sp) + 1000))
    try:
        t = time.perf_counter()
        game = HospitalResident.create_from_dictionaries(sp, hp, caps)
        matching = game.solve(optimal="resident")
        elapsed = time.perf_counter() - t
    finally:
        sys.setrecursionlimit(old)
    out = dict.fromkeys(sp)
    for site, members in matching.items():
        for r in members:
            out[r.name] = site.name
    return elapsed, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small smoke run (CI)")
    ap.add_argument("--repeat", type=int, default=5, help="repetitions for our timings")
    ap.add_argument("--no-package", action="store_true", help="skip the matching 1.4.3 run")
    args = ap.parse_args()
    global QUICK
    QUICK = args.quick
    n, m, n_inst, big = (10_000, 600, 2_000, 50_000)
    if args.quick:
        n, m, n_inst, big = (1_500, 90, 300, 5_000)
    scale = n / 10_000
    rep = args.repeat
    mode = "quick" if args.quick else "full"
    print(f"ctxh.matching benchmark  (python {sys.version.split()[0]}, {mode})")
    print(f"instance: {n} students, {m} sites, 10 choices each, seats 10% above students,")
    print("          one shared lottery order (sites rank the students who rank them)\n")
    sp, hp, caps = hr_instance(n, m, 10, 1.1, seed=2024)

    print("solve_hr (textbook HR, student-proposing deferred acceptance)")
    t_comp, _, inst = best(lambda: CompiledHR(sp, hp, caps), rep)
    t_solve, _, assign = best(inst.solve, rep)
    t_e2e, t_e2e_med, ours = best(lambda: solve_hr(sp, hp, caps), rep)
    report("build (validate + index), excluded from 'solve'", ms(t_comp))
    report(
        "solve (deferred acceptance only)",
        ms(t_solve),
        f"<= {25 * scale:.0f} ms",
        t_solve <= 0.025 * scale,
    )
    report("end to end (build + solve + decode), best", ms(t_e2e), "(no target)")
    report("end to end, median", ms(t_e2e_med))
    report(
        "blocking pairs in our allocation",
        str(len(find_blocking_pairs_hr(sp, hp, caps, ours))),
        "0",
        not find_blocking_pairs_hr(sp, hp, caps, ours),
    )

    print("\nallocate (rich API, shared order -> serial dictatorship, with explanations)")
    problem = to_problem(sp, caps, seed=7)
    t_rich, _, res = best(lambda: allocate(problem), rep)
    comp = _Compiled(problem)
    t_sd, _, _ = best(
        lambda: sd_general(
            comp.order,
            comp.choices,
            comp.groups,
            comp.caps,
            comp.group_caps,
            comp.site_insts,
            comp.inst_caps,
        ),
        rep,
    )
    report(
        "solve (serial dictatorship, compiled instance)",
        ms(t_sd),
        f"<= {25 * scale:.0f} ms",
        t_sd <= 0.025 * scale,
    )
    report("end to end (validate, lottery, solve, explain, summary)", ms(t_rich), "(no target)")
    sm = res.summary
    report("placed / first choice / top three", f"{sm.placed}/{sm.first_choice}/{sm.top_three}")
    report("mean rank", f"{sm.mean_rank}")

    print(f"\nallocate with {n_inst} field instructors (2-4 per site, some shared; SPA-S variant)")
    insts, site_insts = instructors_for(caps, n_inst, seed=5)
    problem_i = to_problem(sp, caps, insts, site_insts, seed=7)
    comp_i = _Compiled(problem_i)
    t_sdi, _, _ = best(
        lambda: sd_general(
            comp_i.order,
            comp_i.choices,
            comp_i.groups,
            comp_i.caps,
            comp_i.group_caps,
            comp_i.site_insts,
            comp_i.inst_caps,
        ),
        rep,
    )
    t_rich_i, _, res_i = best(lambda: allocate(problem_i), rep)
    report(
        "solve (serial dictatorship + instructor flow)",
        ms(t_sdi),
        f"<= {100 * scale:.0f} ms",
        t_sdi <= 0.1 * scale,
    )
    report("end to end (validate, lottery, solve, explain, summary)", ms(t_rich_i), "(no target)")
    report("placed with instructors binding", f"{res_i.summary.placed}/{n}")

    print("\ncomparison with matching 1.4.3 (HospitalResident, optimal='resident'), same instance")
    if args.no_package:
        print("  skipped (--no-package)")
    else:
        try:
            t_pkg, theirs = package_run(sp, hp, caps)
        except ImportError:
            print("  matching 1.4.3 is not installed: skipped")
        else:
            same = theirs == ours
            report("matching 1.4.3 end to end (create_from_dictionaries+solve)", f"{t_pkg:.2f} s")
            report("identical allocation", str(same), "True", same)
            ratio = t_pkg / t_e2e
            report(
                "speed-up, end to end (ours best of runs)", f"{ratio:.0f}x", ">= 300x", ratio >= 300
            )
            report("speed-up, end to end (ours median)", f"{t_pkg / t_e2e_med:.0f}x")

    print(f"\nscale: {big} students, {big * m // n} sites")
    sp5, hp5, caps5 = hr_instance(big, big * m // n, 10, 1.1, seed=99)
    t5, _, _ = best(lambda: solve_hr(sp5, hp5, caps5), max(1, rep // 2))
    report("solve_hr end to end", ms(t5), "< 1000 ms", t5 < 1.0)
    prob5 = to_problem(sp5, caps5, seed=1)
    t5r, _, _ = best(lambda: allocate(prob5), max(1, rep // 2))
    report("allocate end to end (with explanations)", ms(t5r), "< 1000 ms", t5r < 1.0)
    gc.collect()
    tracemalloc.start()
    solve_hr(sp5, hp5, caps5)
    _, peak_hr = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    allocate(prob5)
    _, peak_rich = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    report(
        "peak memory allocated by solve_hr (tracemalloc)",
        f"{peak_hr / 2**20:.0f} MB",
        "< 300 MB",
        peak_hr < 300 * 2**20,
    )
    report(
        "peak memory allocated by allocate (tracemalloc)",
        f"{peak_rich / 2**20:.0f} MB",
        "< 300 MB",
        peak_rich < 300 * 2**20,
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report("peak RSS of this whole process (incl. instances, package)", f"{rss:.0f} MB")
    misses = [r[0] for r in ROWS if r[3] is False]
    if QUICK:
        print("\nquick smoke run: targets are checked by the full run only")
    else:
        print(f"\n{'all targets met' if not misses else 'targets MISSED: ' + '; '.join(misses)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
