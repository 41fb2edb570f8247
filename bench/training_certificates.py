"""Training certificates: a class's 500 certificates as ONE PDF (a page each).

    .venv/bin/python bench/training_certificates.py           # 500 certificates, 3 runs
    .venv/bin/python bench/training_certificates.py --quick   # 1 run

Rendering reads nothing from the database (a certificate is rendered from what it stored),
so the certificates are built in memory with the very inputs
``ctxh.training.services.certificates`` stores and go through the same path as the
class's "download all" button: ``certificates_pdf`` — each certificate's data and QR code,
then one typst compilation of ``training:certificates``. Target: 500 certificates < 30 s.
The PDF is read back with pypdf (pages, one name).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.settings")

CERTIFICATES = 500
TARGET_S = 30.0

LETTERHEAD = {
    "organization": "Hội Công tác xã hội Thành phố Hồ Chí Minh",
    "parent_body": "",
    "place": "TP. Hồ Chí Minh",
    "signer_title": "Chủ tịch",
    "signer_name": "Nguyễn Văn Bình",
}


def _name(i: int) -> str:
    from ctxh.demo.workforce import FAMILY, GIVEN, MIDDLE

    gender = "female" if i % 2 else "male"
    return (
        f"{FAMILY[i % len(FAMILY)]} {MIDDLE[gender][i % len(MIDDLE[gender])]} "
        f"{GIVEN[gender][(i * 7) % len(GIVEN[gender])]}"
    )


def _certificate(i: int):
    from ctxh.documents.services import new_code

    return SimpleNamespace(
        code=new_code(),
        reference=f"{i + 1}/GCN-HCTXH",
        title="Giấy chứng nhận",
        issued_on=dt.date(2026, 6, 30),
        letterhead=LETTERHEAD,
        template="training:certificate",
        inputs={
            "person": _name(i),
            "date_of_birth": f"{1 + i % 28:02d}/{1 + i % 12:02d}/19{70 + i % 30}",
            "organization": "Trung tâm Công tác xã hội Thành phố Hồ Chí Minh",
            "course": "Công tác xã hội với người cao tuổi",
            "course_code": "CTXH-NCT",
            "level": "Kỹ năng",
            "hours": "40",
            "class_name": "Lớp bồi dưỡng CTXH với người cao tuổi — khóa 2026",
            "class_code": "LOP-2026-NCT",
            "starts_on": "01/06/2026",
            "ends_on": "30/06/2026",
            "organizer": LETTERHEAD["organization"],
            "provider": "Trường Đại học Lao động - Xã hội (Cơ sở II)",
            "attendance_rate": "100",
            "test_score": "8,5",
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 run instead of 3")
    args = parser.parse_args()
    runs = 1 if args.quick else 3

    import django

    django.setup()
    from pypdf import PdfReader

    from ctxh.training.services.certificates import certificates_pdf

    documents = [_certificate(i) for i in range(CERTIFICATES)]
    certificates_pdf(documents[:1])  # the process's first compilation loads the fonts
    worst = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        pdf = certificates_pdf(documents)
        worst = max(worst, time.perf_counter() - start)
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    assert pages == CERTIFICATES, pages
    assert documents[-1].inputs["person"] in reader.pages[-1].extract_text()
    ok = worst < TARGET_S
    print(f"training certificates bench ({runs} runs; one typst document, a page each)")
    print(
        f"  {CERTIFICATES} certificates as one PDF: worst {worst:.2f} s, {pages} pages,"
        f" {len(pdf) / 1024 / 1024:.1f} MiB  (target < {TARGET_S:.0f} s)"
        f"  {'PASS' if ok else 'MISS'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
