"""The import framework against a corpus of broken files, all made here with openpyxl
(or written as raw XML for the 200,000-row case): each gives a clear message and writes
nothing."""

import datetime as dt
import time
import tracemalloc

import pytest
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from ctxh.core.importing import (
    CellError,
    Context,
    ImportFileError,
    analyse,
    build_template,
    check_upload,
    commit,
    date,
    get_kind,
    integer,
    text,
)
from ctxh.core.importing.testing import headers_of, raw_xlsx, xlsx
from ctxh.core.models import AuditEvent
from ctxh.core.scoping import SYSTEM

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def kind(wards):
    return get_kind("organizations")


def org_row(code="IMP-1", name="Trung tâm", kind="department", ward="", **extra):
    row = dict.fromkeys(c.key for c in get_kind("organizations").columns)
    row.update(code=code, name=name, kind=kind, ward=ward or None, **extra)
    return list(row.values())


def organisation_count():
    from django.apps import apps

    return apps.get_model("organizations", "Organization").objects.count()


def assert_file_error(kind, path, fragment):
    before = organisation_count()
    with pytest.raises(ImportFileError) as info:
        commit(kind, path, user=SYSTEM)
    assert fragment in str(info.value)
    assert organisation_count() == before
    assert not AuditEvent.objects.filter(action__startswith="import.").exists()


# --- parsers ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["25/03/2024", "25-03-2024", "25.03.2024", "5/3/2024"])
def test_dates_in_three_text_formats(raw):
    value = date()(raw, Context(user=None))
    assert value in {dt.date(2024, 3, 25), dt.date(2024, 3, 5)}


def test_excel_date_cells_are_dates():
    assert date()(dt.datetime(2024, 3, 25), Context(user=None)) == dt.date(2024, 3, 25)


@pytest.mark.parametrize("raw", ["2024-03-25", "25/03/24", "03/25/2024", "31/02/2024", 45000, "x"])
def test_other_date_formats_are_refused(raw):
    with pytest.raises(CellError):
        date()(raw, Context(user=None))


def test_a_long_cell_is_an_error_never_truncated():
    with pytest.raises(CellError, match="at most 30"):
        text(30)("x" * 31, Context(user=None))


def test_integer_bounds():
    assert integer(minimum=0)(12.0, Context(user=None)) == 12
    with pytest.raises(CellError):
        integer(minimum=0)(-1, Context(user=None))
    with pytest.raises(CellError):
        integer()("1,5", Context(user=None))


# --- the upload check ------------------------------------------------------------------


def test_upload_check_refuses_other_extensions_sizes_and_non_zip(settings):
    with pytest.raises(ImportFileError):
        check_upload("data.csv", 10, b"PK\x03\x04")
    with pytest.raises(ImportFileError):
        check_upload("data.xlsx", 10, b"name,age")
    settings.CTXH_IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="too large"):
        check_upload("data.xlsx", 101, b"PK\x03\x04")
    check_upload("data.xlsx", 100, b"PK\x03\x04")


# --- the corpus of broken files ----------------------------------------------------------


def test_a_text_file_renamed_xlsx(kind, tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("Mã,Tên\nA,B\n", encoding="utf-8")
    assert_file_error(kind, path, "cannot be read as an Excel workbook")


def test_an_empty_workbook(kind, tmp_path):
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    assert_file_error(kind, path, "empty")


def test_headers_but_no_rows(kind, tmp_path):
    path = xlsx(tmp_path / "h.xlsx", headers_of(kind), [])
    assert_file_error(kind, path, "no data rows")


def test_missing_required_headers(kind, tmp_path):
    path = xlsx(tmp_path / "m.xlsx", ["Mã", "Địa chỉ"], [["A", "x"]])
    assert_file_error(kind, path, "missing columns: Tên *, Loại *")


def test_unknown_and_repeated_headers(kind, tmp_path):
    path = xlsx(tmp_path / "u.xlsx", [*headers_of(kind), "Ghi chú", "Tên"], [org_row()])
    assert_file_error(kind, path, "unknown columns: Ghi chú")
    with pytest.raises(ImportFileError, match="repeated columns: Tên"):
        analyse(kind, path, user=SYSTEM)


def test_headers_match_without_accents_or_marker(kind, tmp_path):
    headers = ["ma", "TEN", "loai", "phuong/xa"]
    path = xlsx(tmp_path / "a.xlsx", headers, [["IMP-9", "Tên", "department", "Sài Gòn"]])
    analysis = analyse(kind, path, user=SYSTEM)
    assert analysis.counts["new"] == 1


def test_two_hundred_thousand_rows_are_refused_at_the_limit(kind, tmp_path, settings):
    settings.CTXH_IMPORT_MAX_ROWS = 1000
    path = raw_xlsx(
        tmp_path / "big.xlsx",
        ["Mã *", "Tên *", "Loại *"],
        ([f"C{i}", "n", "department"] for i in range(200_000)),
    )
    started = time.monotonic()
    tracemalloc.start()
    assert_file_error(kind, path, "more than 1.000 rows")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert time.monotonic() - started < 5  # stopped at the limit, the rest never read
    assert peak < 20 * 1024 * 1024


def test_a_file_without_dimension_stops_past_the_limit(kind, tmp_path, settings):
    settings.CTXH_IMPORT_MAX_ROWS = 10
    path = raw_xlsx(
        tmp_path / "nodim.xlsx",
        ["Mã *", "Tên *", "Loại *"],
        ([f"C{i}", "n", "department"] for i in range(11)),
        dimension=False,
    )
    assert_file_error(kind, path, "more than 10 rows")


def test_a_ten_megabyte_cell_is_a_row_error(kind, tmp_path):
    path = xlsx(
        tmp_path / "big-cell.xlsx",
        headers_of(kind),
        [org_row(name="x" * (10 * 1024 * 1024)), org_row(code="IMP-2")],
    )
    analysis = analyse(kind, path, user=SYSTEM)
    assert analysis.counts == {"new": 1, "updated": 0, "unchanged": 0, "rejected": 1, "total": 2}
    assert "at most 255" in analysis.rejected[0].errors[0]
    assert_file_error(kind, path, "1 rows are rejected")
    # The file of rejected rows stays a valid workbook (Excel refuses cells over 32,767).
    out = tmp_path / "errors.xlsx"
    out.write_bytes(analysis.rejected_workbook())
    assert len(load_workbook(out).active["B2"].value) <= 1001  # cut, with "…"


def test_formulas_unknown_wards_and_duplicates_are_row_errors(kind, tmp_path):
    rows = [
        org_row(code="IMP-1", ward="Sài Gòn"),
        org_row(code="IMP-2", name='=HYPERLINK("http://x")'),
        org_row(code="IMP-3", ward="Phường Không Có"),
        org_row(code="imp-1", ward="phuong sai gon"),
    ]
    path = xlsx(tmp_path / "rows.xlsx", headers_of(kind), rows)
    analysis = analyse(kind, path, user=SYSTEM)
    by_row = {r.number: r for r in analysis.rows}
    assert by_row[2].status == "new"
    assert "formulas are not accepted" in by_row[3].errors[0]
    assert "No ward or commune" in by_row[4].errors[0]
    assert "row 2 of this file" in by_row[5].errors[0]
    assert_file_error(kind, path, "3 rows are rejected")


def test_the_rejected_rows_file_has_an_error_column_and_can_be_reuploaded(kind, tmp_path):
    path = xlsx(
        tmp_path / "r.xlsx",
        headers_of(kind),
        [org_row(code="IMP-1"), org_row(code="IMP-2", kind="spaceship")],
    )
    analysis = analyse(kind, path, user=SYSTEM)
    out = tmp_path / "errors.xlsx"
    out.write_bytes(analysis.rejected_workbook())
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][-1] == "Lỗi" and len(rows) == 2
    assert rows[1][0] == "IMP-2" and rows[1][-1].startswith("Row 3:")
    # Fixed and uploaded again, the error column is ignored.
    wb = load_workbook(out)
    wb.active["D2"] = "department"
    wb.save(out)
    assert analyse(kind, out, user=SYSTEM).counts["new"] == 1


def test_template_has_instructions_headers_and_dropdowns(kind, tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(build_template(get_kind("facilities")))
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Hướng dẫn"
    data = wb["Co so"]
    headers = [c.value for c in data[1]]
    assert headers[:2] == ["Mã *", "Tên *"]
    assert data.max_row == 1  # headers only: no example row, no empty formatted cells
    assert data.column_dimensions["A"].number_format == "@"  # codes stay text
    assert data.column_dimensions["T"].number_format == "DD/MM/YYYY"  # Ngày cấp phép
    lists = [dv.sqref for dv in data.data_validations.dataValidation]
    assert any("G2" in str(ref) for ref in lists)  # the ward drop-down
    assert wb["Danh mục"].sheet_state == "hidden"
    assert wb["Danh mục"].max_row >= 169  # 168 wards + title
    # The template, uploaded as is, is an empty file (not 5,000 blank rows).
    with pytest.raises(ImportFileError, match="no data rows"):
        analyse(get_kind("facilities"), path, user=SYSTEM)


def test_command_dry_run_then_commit(kind, tmp_path, capsys):
    path = xlsx(tmp_path / "c.xlsx", headers_of(kind), [org_row(code="CLI-1")])
    call_command("import", "organizations", str(path))
    assert not _exists("CLI-1")
    assert "Dry run" in capsys.readouterr().out
    call_command("import", "organizations", str(path), "--commit")
    assert _exists("CLI-1")
    event = AuditEvent.objects.get(action="import.organizations")
    assert event.source == AuditEvent.Source.COMMAND and event.new_values["counts"]["new"] == 1
    call_command("import", "organizations", str(path), "--commit")  # the same file again
    assert AuditEvent.objects.filter(action="import.organizations").count() == 1


def test_command_exits_1_and_writes_the_rejected_rows(kind, tmp_path, capsys):
    path = xlsx(
        tmp_path / "bad.xlsx",
        headers_of(kind),
        [org_row(code="CLI-2"), org_row(code="CLI-3", kind="nope")],
    )
    with pytest.raises(SystemExit) as info:
        call_command("import", "organizations", str(path), "--commit")
    assert info.value.code == 1
    assert not _exists("CLI-2")
    assert (tmp_path / "bad.xlsx.errors.xlsx").exists()
    assert "1 rejected" in capsys.readouterr().out


def _exists(code):
    from django.apps import apps

    return apps.get_model("organizations", "Organization").objects.filter(code=code).exists()


def test_the_commit_reuses_the_cells_of_the_same_file_only(kind, tmp_path, monkeypatch):
    from ctxh.core.importing import engine

    facilities = get_kind("facilities")
    row = dict.fromkeys(c.key for c in facilities.columns)
    row.update(
        code="CS-1", name="Cơ sở", kind="public_facility", licence_date=dt.datetime(2020, 3, 25)
    )
    path = xlsx(tmp_path / "f.xlsx", headers_of(facilities), [list(row.values())])
    cells = tmp_path / "f.cells.jsonl"
    first = analyse(facilities, path, user=SYSTEM, cells=cells)
    assert cells.exists() and first.counts["new"] == 1

    def no_workbook(*args, **kwargs):
        raise AssertionError("the workbook was read again")

    monkeypatch.setattr(engine, "open_sheet", no_workbook)
    summary = commit(facilities, path, user=SYSTEM, cells=cells)  # validated again, from cells
    assert summary["counts"]["new"] == 1
    from django.apps import apps

    org = apps.get_model("organizations", "Organization").objects.get(code="CS-1")
    assert org.facility.licence_date == dt.date(2020, 3, 25)
    # Another file under the same name: its digest differs, the cells are not used.
    xlsx(path, headers_of(facilities), [list(row.values()), list(row.values())])
    with pytest.raises(AssertionError, match="read again"):
        analyse(facilities, path, user=SYSTEM, cells=cells)
