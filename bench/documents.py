"""Official letters as PDF: one referral letter, and one letter listing 150 students.

    .venv/bin/python bench/documents.py           # 30 runs of each
    .venv/bin/python bench/documents.py --quick   # 5 runs

Rendering reads nothing from the database (a document is rendered from what it stored), so
the letters are built in memory with the very data the practicum's services store and go
through ``ctxh.documents.rendering`` as a page's download does: the QR code, the inputs as
JSON, typst with the vendored Tinos fonts. The first render of a process (the compiler
loads its fonts and parses the layout) is shown apart. Targets: one letter < 200 ms (p95);
the letter with 150 students, and 150 letters one by one, < 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.settings")

ONE_LETTER_TARGET_MS = 200.0
LIST_TARGET_S = 10.0
STUDENTS = 150

LETTERHEAD = {
    "organization": "Trường Đại học Lao động - Xã hội (Cơ sở II)",
    "parent_body": "Bộ Nội vụ",
    "place": "TP. Hồ Chí Minh",
    "signer_title": "KT. Hiệu trưởng",
    "signer_name": "Nguyễn Văn Bình",
}


def _student(i: int) -> dict:
    from ctxh.demo.workforce import FAMILY, GIVEN, MIDDLE

    gender = "female" if i % 2 else "male"
    name = f"{FAMILY[i % len(FAMILY)]} {MIDDLE[gender][i % len(MIDDLE[gender])]} "
    name += GIVEN[gender][(i * 7) % len(GIVEN[gender])]
    return {
        "name": name,
        "code": f"SV{24000 + i:06d}",
        "date_of_birth": f"{1 + i % 28:02d}/{1 + i % 12:02d}/2003",
        "phone": "",
    }


def _document(number: int, template: str, inputs: dict):
    from ctxh.documents.services import new_code

    return SimpleNamespace(
        code=new_code(),
        reference=f"{number}/GGT-ĐHLĐXH",
        title="Giấy giới thiệu",
        issued_on=dt.date(2025, 9, 5),
        letterhead=LETTERHEAD,
        template=template,
        inputs=inputs,
    )


def _referral(number: int):
    facility = "Trung tâm Công tác xã hội Thành phố Hồ Chí Minh"
    return _document(
        number,
        "practicum:referral",
        {
            "student": _student(number),
            "school": LETTERHEAD["organization"],
            "facility": facility,
            "facility_address": "Số 1 Đường Thử, Phường Bến Thành",
            "round": "Đợt thực hành CTXH cá nhân — năm 3",
            "practice_type": "Công tác xã hội với cá nhân",
            "level": "Đại học, năm 3",
            "starts_on": "15/09/2025",
            "ends_on": "15/12/2025",
            "required_hours": 240,
            "instructor": "Võ Thị Kiểm",
            "recipients": [facility, "Sinh viên " + _student(number)["name"]],
        },
    )


def _list_letter(count: int):
    facility = "Trung tâm Bảo trợ xã hội Tân Hiệp"
    return _document(
        1,
        "practicum:referral_list",
        {
            "facility_id": 1,
            "facility": facility,
            "facility_address": "Xã Tân Hiệp",
            "school": LETTERHEAD["organization"],
            "period": "Kỳ thực tập học kỳ I năm học 2025-2026",
            "starts_on": "15/09/2025",
            "ends_on": "15/12/2025",
            "practice_type": "Công tác xã hội với cá nhân",
            "students": [
                {**_student(i), "round": "Đợt thực hành CTXH cá nhân — năm 3"} for i in range(count)
            ],
            "recipients": [facility],
        },
    )


def _render(document) -> tuple[float, bytes, list[str]]:
    from ctxh.documents import rendering

    start = time.perf_counter()
    pdf, warnings = rendering.compile_template(document.template, rendering.document_data(document))
    return time.perf_counter() - start, pdf, warnings


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 runs instead of 30")
    args = parser.parse_args()
    runs = 5 if args.quick else 30

    import django

    django.setup()
    from pypdf import PdfReader

    first, _pdf, warnings = _render(_referral(1))
    assert not warnings, warnings
    times = []
    for i in range(runs):
        seconds, pdf, warnings = _render(_referral(i + 2))
        assert not warnings, warnings
        times.append(seconds * 1000)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"documents bench ({runs} runs; typst with the vendored Tinos fonts)")
    print(f"  first letter of the process (fonts loaded, layout parsed): {first * 1000:.0f} ms")
    print(
        f"  one referral letter: p50 {p50:.0f} ms, p95 {p95:.0f} ms, {len(pdf) / 1024:.0f} KiB"
        f"  (target p95 < {ONE_LETTER_TARGET_MS:.0f} ms)  {_verdict(p95 < ONE_LETTER_TARGET_MS)}"
    )

    list_runs = max(1, runs // 10)
    worst = 0.0
    for _ in range(list_runs):
        seconds, pdf, warnings = _render(_list_letter(STUDENTS))
        assert not warnings, warnings
        worst = max(worst, seconds)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(
        f"  letter with {STUDENTS} students: worst of {list_runs} {worst:.2f} s, {pages} pages,"
        f" {len(pdf) / 1024:.0f} KiB  (target < {LIST_TARGET_S:.0f} s)"
        f"  {_verdict(worst < LIST_TARGET_S)}"
    )
    start = time.perf_counter()
    for i in range(STUDENTS):
        _render(_referral(1000 + i))
    each = time.perf_counter() - start
    print(
        f"  {STUDENTS} referral letters one by one (a school printing its round): {each:.2f} s"
        f"  (target < {LIST_TARGET_S:.0f} s)  {_verdict(each < LIST_TARGET_S)}"
    )
    ok = p95 < ONE_LETTER_TARGET_MS and worst < LIST_TARGET_S and each < LIST_TARGET_S
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
