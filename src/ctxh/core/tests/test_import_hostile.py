"""A corpus of hostile and awkward workbooks, all generated here, run through the upload
page and the background check exactly as a user would: each gets a clear Vietnamese
message, writes nothing, and the page never fails; the command line says the same,
without a traceback. The awkward-but-honest files (wrong ``<dimension>``, hidden sheet
first) import every row and column."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from ctxh.core.importing import get_kind
from ctxh.core.importing.testing import (
    MAIN,
    Repeated,
    headers_of,
    sheet_xml,
    workbook_parts,
    write_zip,
)
from ctxh.core.models import AuditEvent, Job
from ctxh.organizations.models import Organization
from ctxh.testing import client_for
from ctxh.workforce.models import Employment, Person

pytestmark = pytest.mark.django_db

HEAD = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
TAIL = b"</sheetData></worksheet>"
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def org_row(code, name="Trung tâm", kind="department"):
    row = dict.fromkeys(c.key for c in get_kind("organizations").columns)
    row.update(code=code, name=name, kind=kind)
    return list(row.values())


def headers():
    return headers_of(get_kind("organizations"))


def sheet(rows=None, **kw):
    return sheet_xml(headers(), rows if rows is not None else [org_row("HX-1")], **kw)


def book(path, xml=None, *, shared=None, **kw):
    parts = workbook_parts([("To chuc", "visible", xml or sheet())], shared=shared)
    return write_zip(path, parts, **kw)


def with_part(path, name, content, **kw):
    parts = workbook_parts([("To chuc", "visible", sheet())])
    parts[name] = content
    return write_zip(path, parts, **kw)


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)
    )
    + f']><worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;'
    "</t></is></c></row></sheetData></worksheet>"
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;'
    "</t></is></c></row></sheetData></worksheet>"
)


def _bomb_rows(path):
    # Section 6: 46 million empty rows, no <dimension>: 1,15 GB in a 1 MB archive.
    return book(path, Repeated(HEAD, b"<row/>" * 100_000, 2_000, TAIL))


def _ratio_bomb(path):
    # 60 MB of empty rows: under the total limit, but compressed a thousand times.
    return book(path, Repeated(HEAD, b"<row/>" * 100_000, 100, TAIL))


def _huge_cell(path):
    cell = b'<row r="2"><c r="B2" t="inlineStr"><is><t>'
    return book(path, Repeated(HEAD + cell, b"x" * MB, 300, b"</t></is></c></row>" + TAIL))


def _huge_shared_string(path):
    shared = Repeated(
        f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>'.encode(),
        b"y" * MB,
        80,
        b"</t></si></sst>",
    )
    return book(path, shared=shared)


def _lying_header(path):
    # The sheet says it unpacks to 2 KB; it really holds 30 MB of rows.
    parts = workbook_parts([("To chuc", "visible", "")])
    parts["xl/worksheets/sheet1.xml"] = Repeated(HEAD, b"<row/>" * 100_000, 50, TAIL)
    return write_zip(path, parts, declared={"xl/worksheets/sheet1.xml": 2048})


def _many_members(path):
    parts = workbook_parts([("To chuc", "visible", sheet())])
    for i in range(1_200):
        parts[f"xl/media/junk{i}.bin"] = b"x"
    return write_zip(path, parts)


def _empty_rows_past_limit(path):
    # Blank rows count against the row limit: 150.000 empty rows then one real row.
    rows = "".join(f'<row r="{n}"/>' for n in range(2, 150_002))
    xml = sheet().replace("</sheetData>", rows + "</sheetData>")
    return book(path, xml)


def _incompressible(size):
    import base64

    return base64.b64encode(os.urandom(size * 3 // 4)).decode()


def _truncated(path):
    book(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _not_a_zip_inside(path):
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    return path


CASES = {
    # name: (make, where the refusal shows, a fragment of the Vietnamese message)
    "bomb-46-million-empty-rows": (_bomb_rows, "upload", "giải nén ra"),
    "bomb-compression-ratio": (_ratio_bomb, "upload", "được nén"),
    "bomb-one-huge-cell": (_huge_cell, "upload", "được nén"),
    "bomb-huge-unused-shared-string": (_huge_shared_string, "upload", "được nén"),
    "bomb-lying-zip-header": (_lying_header, "job", "bị hỏng"),
    "bomb-many-members": (_many_members, "upload", "1.2"),
    "empty-rows-past-the-limit": (_empty_rows_past_limit, "job", "dòng trống cũng được tính"),
    "billion-laughs": (lambda p: book(p, LAUGHS), "job", "DOCTYPE/ENTITY"),
    "external-entity": (lambda p: book(p, XXE), "job", "DOCTYPE/ENTITY"),
    "entity-in-shared-strings": (
        lambda p: book(p, shared=LAUGHS.replace("worksheet", "sst")),
        "job",
        "DOCTYPE/ENTITY",
    ),
    "entity-in-workbook": (
        lambda p: with_part(p, "xl/workbook.xml", XXE.replace("worksheet", "workbook")),
        "job",
        "DOCTYPE/ENTITY",
    ),
    "malformed-xml": (
        lambda p: book(p, sheet().replace("</row>", "</rows>", 1)),
        "job",
        "không phải XML hợp lệ",
    ),
    "bad-crc": (lambda p: book(p, corrupt="xl/worksheets/sheet1.xml"), "job", "sai CRC"),
    "truncated-archive": (_truncated, "upload", "tệp nén bị hỏng"),
    "zip-signature-only": (_not_a_zip_inside, "upload", "tệp nén bị hỏng"),
    "missing-sheet-part": (
        lambda p: write_zip(
            p,
            {
                k: v
                for k, v in workbook_parts([("To chuc", "visible", "")]).items()
                if "worksheets" not in k
            },
        ),
        "job",
        "thiếu phần",
    ),
    "shared-string-out-of-range": (
        lambda p: book(
            p,
            sheet().replace(
                '<c r="A2" t="inlineStr"><is><t>HX-1</t></is></c>',
                '<c r="A2" t="s"><v>99</v></c>',
            ),
            shared=f'<sst xmlns="{MAIN}"><si><t>a</t></si></sst>',
        ),
        "job",
        "trỏ tới đoạn văn bản",
    ),
    "cell-beyond-last-column": (
        lambda p: book(
            p, sheet().replace("</row></sheetData>", '<c r="ZZZZ2"><v>1</v></c></row></sheetData>')
        ),
        "job",
        "ngoài cột cuối cùng",
    ),
    "only-hidden-sheets": (
        lambda p: write_zip(p, workbook_parts([("To chuc", "hidden", sheet())])),
        "job",
        "không có trang dữ liệu nào đang hiện",
    ),
    "password-protected": (
        lambda p: (p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500), p)[1],
        "upload",
        "mật khẩu",
    ),
    # Row errors: the check finishes and shows them; nothing can be committed.
    "excel-error-value-as-name": (
        lambda p: book(
            p,
            sheet().replace(
                '<c r="B2" t="inlineStr"><is><t>Trung tâm</t></is></c>',
                '<c r="B2" t="e"><v>#N/A</v></c>',
            ),
        ),
        "rows",
        "lỗi Excel “#N/A”",
    ),
    "excel-error-typed-as-text": (
        lambda p: book(p, sheet([org_row("HX-1", name="#REF!")])),
        "rows",
        "lỗi Excel “#REF!”",
    ),
    "ten-megabyte-cell": (
        lambda p: book(p, sheet([org_row("HX-1", name=_incompressible(10 * MB))])),
        "rows",
        "hơn 32.767 ký tự",
    ),
}


def counts():
    """The programme's data and its audit trail; the job's own moves (``job.start``,
    ``job.fail``, audited by the transition mechanism) are about the job, not the data."""
    return (
        Organization.objects.count(),
        Person.objects.count(),
        Employment.objects.count(),
        AuditEvent.objects.exclude(object_type="core.job").count(),
    )


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_file(case, programme_user, wards, tmp_path, django_capture_on_commit_callbacks):
    make, where, fragment = CASES[case]
    path = make(tmp_path / f"{case}.xlsx")
    assert path.stat().st_size < 20 * MB
    client = client_for(programme_user)
    before = counts()
    started = time.monotonic()
    with translation.override("vi"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/imports/organizations/",
            {"file": SimpleUploadedFile(path.name, path.read_bytes())},
            HTTP_ACCEPT_LANGUAGE="vi",
        )
    elapsed = time.monotonic() - started
    job = Job.objects.filter(kind="import.preview").first()
    if where == "upload":
        assert response.status_code == 400 and job is None
        page = response.content.decode()
        assert fragment in page, page[:3000]
        assert len(page) < 200_000
    else:
        assert response.status_code == 302
        if where == "job":
            assert job.status == Job.Status.FAILED
            assert fragment in job.error, job.error
            assert "Traceback" not in job.error and len(job.error) < 1000
        else:
            assert job.status == Job.Status.DONE
            assert job.result["counts"]["rejected"] == 1
            message = job.result["errors"][0]["message"]
            assert fragment in message and len(message) < 1000
        page = client.get(f"/imports/jobs/{job.pk}/")
        assert page.status_code == 200 and len(page.content) < 200_000
    assert counts() == before  # nothing written, not even an audit event
    if case.startswith("bomb") and case != "bomb-lying-zip-header":
        assert elapsed < 1.5, elapsed  # refused from the archive's directory


def test_the_command_line_prints_a_clean_message(tmp_path):
    """``ctxh import`` in a fresh process: a message, exit code 1, no traceback."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"}
    ctxh = Path(sys.executable).with_name("ctxh")
    for case in ("bomb-46-million-empty-rows", "malformed-xml", "bad-crc", "billion-laughs"):
        path = CASES[case][0](tmp_path / f"{case}.xlsx")
        done = subprocess.run(
            [str(ctxh), "import", "organizations", str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 1, (case, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout
        assert done.stderr.startswith("CommandError: "), done.stderr


# --- Awkward but honest files: every row and every column, whatever is declared ---------


def ten_rows():
    return [org_row(f"DIM-{i}", name=f"Tổ chức {i}") for i in range(10)]


@pytest.mark.parametrize("declared", ["A1:C3", "A1:B11", "A1", "A1:AZ900000", None])
def test_the_declared_dimension_is_never_trusted(declared, wards, tmp_path):
    from ctxh.core.importing import commit
    from ctxh.core.scoping import SYSTEM

    rows = ten_rows()
    for row in rows:
        row[8] = "1 Lê Lợi"  # column I, past a dimension ending at B or C
    path = book(tmp_path / "dim.xlsx", sheet(rows, dimension=declared))
    summary = commit(get_kind("organizations"), path, user=SYSTEM)
    assert summary["counts"]["new"] == 10
    assert Organization.objects.filter(code__startswith="DIM-").count() == 10
    assert set(Organization.objects.values_list("address", flat=True)) == {"1 Lê Lợi"}


def test_the_visible_sheet_the_template_names_is_read(wards, tmp_path):
    from ctxh.core.importing import analyse
    from ctxh.core.scoping import SYSTEM

    decoy = sheet([org_row("DECOY-1")])
    # The data sheet's title typed in decomposed Unicode (as macOS writes it).
    import unicodedata

    parts_list = [
        ("Ghi chú", "hidden", decoy),
        ("Hướng dẫn", "visible", decoy),
        ("Khác", "visible", decoy),
        (unicodedata.normalize("NFD", "Tổ chức"), "visible", sheet([org_row("REAL-1")])),
    ]
    parts = workbook_parts(parts_list)
    path = write_zip(tmp_path / "sheets.xlsx", parts)
    kind = get_kind("organizations")
    kind_title = kind.sheet_title
    try:
        kind.sheet_title = "Tổ chức"
        analysis = analyse(kind, path, user=SYSTEM)
    finally:
        kind.sheet_title = kind_title
    assert analysis.sheet == "Tổ chức"
    assert [r.payload["code"] for r in analysis.rows] == ["REAL-1"]
    assert analyse(kind, path, user=SYSTEM).sheet == "Tổ chức"  # "To chuc": accents aside
    # Without a sheet of the template's name: the first visible sheet that is not the
    # instructions, never a hidden one.
    parts = workbook_parts(parts_list[:3])
    path = write_zip(tmp_path / "other.xlsx", parts)
    assert analyse(kind, path, user=SYSTEM).sheet == "Khác"


def test_a_hidden_first_sheet_is_skipped_on_the_page(
    programme_user, wards, tmp_path, django_capture_on_commit_callbacks
):
    parts = workbook_parts(
        [("Cũ", "hidden", sheet([org_row("OLD-1")])), ("To chuc", "visible", sheet())]
    )
    path = write_zip(tmp_path / "h.xlsx", parts)
    client = client_for(programme_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/imports/organizations/", {"file": SimpleUploadedFile("h.xlsx", path.read_bytes())}
        )
    job = Job.objects.get()
    assert job.result["sheet"] == "To chuc"
    page = client.get(f"/imports/jobs/{job.pk}/").content.decode()
    assert 'data-testid="sheet-read"' in page and "To chuc" in page


def test_shared_strings_styles_and_dates_are_read_as_excel_writes_them(wards, tmp_path):
    """Excel writes text once in sharedStrings.xml (with phonetic runs to skip) and dates
    as numbers with a date format."""
    import datetime as dt

    from ctxh.core.importing import analyse
    from ctxh.core.scoping import SYSTEM

    facilities = get_kind("facilities")
    columns = [c.key for c in facilities.columns]
    texts = [*headers_of(facilities), "CS-9", "Cơ\u200b sở", "public_facility"]
    shared = (
        f'<sst xmlns="{MAIN}">'
        + "".join(f"<si><t>{t}</t></si>" for t in texts[:-1])
        + "<si><r><t>public</t></r><r><t>_facility</t></r><rPh><t>x</t></rPh></si>"
        + "</sst>"
    )
    from openpyxl.utils import get_column_letter

    def ref(key):
        return get_column_letter(columns.index(key) + 1) + "2"

    header = "".join(
        f'<c r="{get_column_letter(i + 1)}1" t="s"><v>{i}</v></c>' for i in range(len(columns))
    )
    n = len(columns)
    data = (
        f'<c r="{ref("code")}" t="s"><v>{n}</v></c><c r="{ref("name")}" t="s"><v>{n + 1}</v></c>'
        f'<c r="{ref("kind")}" t="s"><v>{n + 2}</v></c>'
        f'<c r="{ref("capacity")}"><v>12</v></c>'
        f'<c r="{ref("licence_date")}" s="1"><v>43915</v></c>'
    )
    xml = (
        f'<worksheet xmlns="{MAIN}"><dimension ref="A1"/><sheetData>'
        f'<row r="1">{header}</row><row r="2">{data}</row></sheetData></worksheet>'
    )
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
        'formatCode="dd/mm/yyyy"/></numFmts><cellStyleXfs count="1"><xf numFmtId="0"/>'
        '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs>'
        "</styleSheet>"
    )
    parts = workbook_parts([("Co so", "visible", xml)], shared=shared)
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>",
        '<Relationship Id="rIdY" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>',
    )
    parts["xl/styles.xml"] = styles
    path = write_zip(tmp_path / "f.xlsx", parts)
    analysis = analyse(facilities, path, user=SYSTEM)
    assert analysis.counts["new"] == 1, analysis.rows[0].errors
    payload = analysis.rows[0].payload
    assert payload["data"]["name"] == "Cơ sở"  # the zero-width space is gone
    assert payload["data"]["kind"] == "public_facility"  # runs joined, phonetic text skipped
    assert payload["facility"]["licence_date"] == dt.date(2020, 3, 25)
    assert payload["facility"]["capacity"] == 12


MEASURE = """
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctxh.test_settings")
import django
django.setup()
from ctxh.core.importing import ImportFileError, get_kind
from ctxh.core.importing.reader import open_sheet
started = time.monotonic()
try:
    sheet = open_sheet(sys.argv[1], get_kind("organizations").columns)
    outcome = f"{sum(1 for _row in sheet.rows)} rows"
except ImportFileError as exc:
    outcome = str(exc)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
if os.path.exists("/proc/self/status"):  # Linux keeps ru_maxrss across exec: use VmHWM
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
print(json.dumps({"seconds": time.monotonic() - started, "outcome": outcome, "peak_mb": peak}))
"""


@pytest.mark.parametrize("case", ["one-390-mb-cell", "a-million-shared-strings"])
def test_the_worst_files_that_pass_the_archive_checks_stay_under_500_mb(case, tmp_path):
    """Files that expand to ~390 MB just under the compression limits are read in a fresh
    process; its peak memory (ru_maxrss) stays far below 500 MB."""
    import json

    from ctxh.core.importing.testing import worst_cases

    path = worst_cases(tmp_path, headers(), only=case)[case]
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["peak_mb"] < 500, result
    expected = {"one-390-mb-cell": "1 rows", "a-million-shared-strings": "1.000.000"}[case]
    assert expected in result["outcome"]
