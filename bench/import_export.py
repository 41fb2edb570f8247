"""Excel import of 50,000 people and streamed export of 50,000 rows, timed, with peak memory.

    .venv/bin/python bench/import_export.py           # 50,000 people (SQLite, and PostgreSQL
                                                      # too when DATABASE_URL names one)
    .venv/bin/python bench/import_export.py --quick   # 2,000 people, a smoke run
    .venv/bin/python bench/import_export.py --hostile # only the hostile files: each bomb
                                                      # and worst case read in a fresh
                                                      # process; refusal < 1 s, RSS < 500 MB

The people workbook is generated first, in its own process (openpyxl write-only), so its
cost is not counted. Each backend then runs in its own process on a TEMPORARY database (a
SQLite file in a temporary folder; on PostgreSQL a new database ``ctxh_bench_import_<pid>``
on the server DATABASE_URL names, dropped at the end). There, as the programme office:

- *check*: the preview job's work (every cell read and parsed, every row validated and
  compared with the database; the cells read are kept for the commit);
- *commit*: the commit job's work (every row validated again against the database, from
  the kept cells when the file's digest is unchanged, then written in one transaction:
  people, their employment, the audit summary);
- *import* = check + commit, what a user waits for; target < 60 s;
- *peak memory*: the process's peak RSS (``resource.getrusage``), target < 1 GB;
- *again*: the same file uploaded and checked again (read from the workbook; all rows
  unchanged, nothing to write);
- *export*: ``/workforce/export.csv`` and ``/workforce/export.xlsx`` through the test
  client, the whole streamed body consumed; target < 20 s each.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

IMPORT_TARGET_S = 60.0
MEMORY_TARGET_MB = 1024.0
EXPORT_TARGET_S = 20.0
ORGANISATIONS = 100


def _django(settings: str = "ctxh.test_settings") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()


def make_file(path: Path, people: int) -> None:
    """The people workbook: realistic rows, valid CCCDs, 100 organisations."""
    import datetime as dt
    import random

    from openpyxl import Workbook

    from ctxh.core.importing import get_kind
    from ctxh.demo.workforce import FAMILY, GIVEN, MIDDLE
    from ctxh.workforce.cccd import compose_cccd

    rng = random.Random(2026)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Nhan luc")
    ws.append([c.header for c in get_kind("people").columns])
    titles = ["", "", "V.09.04.02", "V.09.04.03"]
    levels = ["Cao đẳng", "Đại học", "Thạc sĩ"]
    for i in range(people):
        gender = rng.choice(["male", "female"])
        year = rng.randint(1966, 2003)
        born = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        ws.append(
            [
                f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}",
                "Nam" if gender == "male" else "Nữ",
                born.strftime("%d/%m/%Y") if i % 2 else born,  # text and Excel dates
                compose_cccd(province=79, gender=gender, birth_year=year, serial=i),
                f"09{rng.randint(10_000_000, 99_999_999)}",
                f"nguoi{i}@example.vn" if i % 3 == 0 else None,
                rng.choice(levels),
                rng.choice(["Công tác xã hội", "Khác"]),
                None,
                rng.choice(titles) or None,
                rng.choice(["Nhân viên", "Nhân viên", "Cộng tác viên"]),
                f"BENCH-{rng.randrange(ORGANISATIONS):03d}",
                "Nhân viên công tác xã hội",
                "01/01/2020",
            ]
        )
    wb.save(path)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def run_backend(path: Path, people: int) -> dict:
    """Inside one process, on the database DATABASE_URL names (see :func:`main`)."""
    _django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    settings.DEBUG = False
    setup_test_environment()
    test = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(os.environ["CTXH_VAR_DIR"]) / "bench-import.sqlite3")
    else:
        test["NAME"] = f"ctxh_bench_import_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from ctxh.core.audit import audit_context
        from ctxh.core.importing import analyse, commit, get_kind
        from ctxh.core.scoping import SYSTEM
        from ctxh.geo.services import load_units
        from ctxh.organizations.models import Organization
        from ctxh.testing import make_user
        from ctxh.workforce.models import Person

        load_units(by=SYSTEM, province_code=settings.CTXH_PROVINCE)
        agency = Organization.objects.create(code="AGENCY", name="Sở Y tế", kind="agency")
        for n in range(ORGANISATIONS):
            Organization.objects.create(
                code=f"BENCH-{n:03d}", name=f"Cơ sở {n}", kind="public_facility"
            )
        user = make_user("programme_office", agency)
        kind = get_kind("people")
        result: dict = {"vendor": connection.vendor}
        with audit_context(source="command"):
            t0 = time.perf_counter()
            cells = path.with_name(path.name + ".cells.jsonl")  # as the jobs do
            counts = analyse(kind, path, user=user, cells=cells).counts
            result["check_s"] = time.perf_counter() - t0
            assert counts["new"] == people, counts
            t0 = time.perf_counter()
            commit(kind, path, user=user, filename=path.name, cells=cells)
            result["commit_s"] = time.perf_counter() - t0
            result["peak_mb"] = _peak_mb()
            assert Person.objects.count() == people
            t0 = time.perf_counter()
            again = analyse(kind, path, user=user).counts
            result["again_s"] = time.perf_counter() - t0
            assert again["unchanged"] == people, again
        client = Client(raise_request_exception=True)
        client.force_login(user)
        for fmt in ("csv", "xlsx"):
            try:
                t0 = time.perf_counter()
                response = client.get(f"/workforce/export.{fmt}")
                size = sum(len(chunk) for chunk in response.streaming_content)
                result[f"export_{fmt}_s"] = time.perf_counter() - t0
                result[f"export_{fmt}_mb"] = size / 1048576
                assert response.status_code == 200, response.status_code
            except Exception as exc:  # report the import figures anyway
                result[f"export_{fmt}_error"] = f"{type(exc).__name__}: {exc}"[:200]
        result["peak_after_export_mb"] = _peak_mb()
        return result
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _export_row(r: dict, fmt: str, people: int) -> tuple:
    name = f"export {fmt.upper()}, {people:,} rows streamed"
    if f"export_{fmt}_error" in r:
        return (name, "failed", r[f"export_{fmt}_error"], False)
    seconds = r[f"export_{fmt}_s"]
    value = f"{seconds:.1f} s ({r[f'export_{fmt}_mb']:.1f} MB)"
    return (name, value, f"< {EXPORT_TARGET_S:.0f} s", seconds < EXPORT_TARGET_S)


def report(label: str, r: dict, people: int) -> int:
    total = r["check_s"] + r["commit_s"]
    rows = [
        (f"check {people:,} rows (preview)", f"{r['check_s']:.1f} s", "", None),
        ("commit (validate again + write)", f"{r['commit_s']:.1f} s", "", None),
        (
            "import = check + commit",
            f"{total:.1f} s",
            f"< {IMPORT_TARGET_S:.0f} s",
            total < IMPORT_TARGET_S,
        ),
        (
            "peak memory (RSS) during import",
            f"{r['peak_mb']:.0f} MB",
            f"< {MEMORY_TARGET_MB:.0f} MB",
            r["peak_mb"] < MEMORY_TARGET_MB,
        ),
        ("same file again (all unchanged)", f"{r['again_s']:.1f} s", "", None),
        *(_export_row(r, fmt, people) for fmt in ("csv", "xlsx")),
        (
            "peak memory (RSS) after exports",
            f"{r['peak_after_export_mb']:.0f} MB",
            f"< {MEMORY_TARGET_MB:.0f} MB",
            r["peak_after_export_mb"] < MEMORY_TARGET_MB,
        ),
    ]
    print(f"\n{label} ({r['vendor']})")
    misses = 0
    for name, value, target, ok in rows:
        verdict = "" if ok is None else _verdict(ok)
        misses += ok is False
        print(f"  {name:<40}{value:>20}  {target:<10} {verdict}")
    return misses


HOSTILE_MEMORY_MB = 500.0
HOSTILE_REFUSAL_S = 1.0


def peak_rss_mb() -> float:
    """This process's peak RSS. VmHWM, as Linux keeps ru_maxrss across exec (a child would
    report its parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_file(path: Path) -> dict:
    """Read one workbook as a people import would (in this fresh process)."""
    _django()
    from ctxh.core.importing import ImportFileError, get_kind
    from ctxh.core.importing.reader import open_sheet

    t0 = time.perf_counter()
    try:
        sheet = open_sheet(path, get_kind("organizations").columns)
        outcome = f"read, {sum(1 for _row in sheet.rows)} rows"
        sheet.close()
    except ImportFileError as exc:
        outcome = "refused: " + str(exc)[:70]
    return {
        "seconds": time.perf_counter() - t0,
        "peak_mb": peak_rss_mb(),
        "outcome": outcome,
    }


def hostile() -> int:
    """The bombs (refused from the archive's directory) and the worst files that pass those
    checks (about 390 MB once unpacked), each read in a fresh process: time, peak RSS."""
    _django()
    from ctxh.core.importing import get_kind
    from ctxh.core.importing.testing import MAIN, Repeated, workbook_parts, worst_cases, write_zip

    misses = 0
    headers = [c.header for c in get_kind("organizations").columns]
    with tempfile.TemporaryDirectory(prefix="ctxh-bench-hostile-") as tmp:
        folder = Path(tmp)
        head = f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        bombs = {
            "bomb: 46 million empty rows (1,15 GB)": Repeated(
                head, b"<row/>" * 100_000, 2_000, b"</sheetData></worksheet>"
            ),
            "bomb: one 300 MB cell": Repeated(
                head + b'<row><c t="inlineStr"><is><t>',
                b"x" * 1048576,
                300,
                b"</t></is></c></row></sheetData></worksheet>",
            ),
        }
        files = {}
        for name, sheet in bombs.items():
            parts = workbook_parts([("Du lieu", "visible", "")])
            parts["xl/worksheets/sheet1.xml"] = sheet
            files[name] = write_zip(folder / f"bomb{len(files)}.xlsx", parts)
        files.update({f"worst: {k}": v for k, v in worst_cases(folder, headers).items()})
        print("\nHostile files (each read in a fresh process)")
        for name, path in files.items():
            out = subprocess.run(
                [sys.executable, __file__, "--measure", str(path)],
                capture_output=True,
                text=True,
            )
            if out.returncode != 0:
                print(f"  {name}: FAILED\n{out.stderr[-2000:]}")
                misses += 1
                continue
            r = json.loads(out.stdout.strip().splitlines()[-1])
            ok = r["peak_mb"] < HOSTILE_MEMORY_MB and (
                not name.startswith("bomb") or r["seconds"] < HOSTILE_REFUSAL_S
            )
            misses += not ok
            print(
                f"  {name:42} {r['seconds']:6.2f} s {r['peak_mb']:5.0f} MB  "
                f"{'PASS' if ok else 'MISS'}  {r['outcome']}"
            )
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 people instead of 50,000")
    parser.add_argument("--people", type=int, default=None)
    parser.add_argument("--make-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--backend", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument(
        "--hostile", action="store_true", help="only the hostile files: time and peak memory"
    )
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_file(args.measure)))
        return 0
    if args.hostile:
        misses = hostile()
        print("\nresult:", "PASS" if misses == 0 else "MISS")
        return 1 if misses else 0
    people = args.people or (2_000 if args.quick else 50_000)
    if args.make_file:
        _django()
        make_file(args.make_file, people)
        return 0
    if args.backend:
        print(json.dumps(run_backend(args.backend, people)))
        return 0

    misses = 0
    with tempfile.TemporaryDirectory(prefix="ctxh-bench-import-") as tmp:
        path = Path(tmp) / "nhan-luc.xlsx"
        env = {**os.environ, "CTXH_VAR_DIR": tmp}
        env.pop("DATABASE_URL", None)
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--make-file", str(path), "--people", str(people)],
            env=env,
            check=True,
        )
        print(
            f"Import/export benchmark: {people:,} people "
            f"(file {path.stat().st_size / 1048576:.1f} MB, made in "
            f"{time.perf_counter() - t0:.1f} s, not counted)"
        )
        targets = [("SQLite", f"sqlite:///{tmp}/ctxh.sqlite3")]
        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            targets.append(("PostgreSQL", url))
        else:
            print("(PostgreSQL skipped: DATABASE_URL names none)")
        for label, database_url in targets:
            out = subprocess.run(
                [sys.executable, __file__, "--backend", str(path), "--people", str(people)],
                env={**env, "DATABASE_URL": database_url},
                capture_output=True,
                text=True,
            )
            if out.returncode != 0:
                print(f"\n{label}: FAILED\n{out.stderr[-3000:]}")
                misses += 1
                continue
            misses += report(label, json.loads(out.stdout.strip().splitlines()[-1]), people)
    print("\nresult:", "PASS" if misses == 0 else "MISS")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
