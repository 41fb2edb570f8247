"""Reading an uploaded workbook as a stream of rows, refusing bad files early.

The workbook is opened with openpyxl in read-only mode (rows are streamed from the XML,
never loaded whole) and ``data_only=False`` so a formula arrives as its text and is
refused, never evaluated. The row count is read from the sheet's dimension before any
row is parsed; when a file has no dimension the stream stops one row past the limit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .spec import Column, ImportFileError, header_key

INSTRUCTIONS_SHEET = "Hướng dẫn"
#: The header of the error column in a file of rejected rows; ignored when re-uploaded.
ERROR_HEADER = "Lỗi"


def max_rows() -> int:
    return int(getattr(settings, "CTXH_IMPORT_MAX_ROWS", 100_000))


def max_bytes() -> int:
    return int(getattr(settings, "CTXH_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def check_upload(name: str, size: int, head: bytes) -> None:
    """The checks made before a file is even stored: extension, size, zip signature."""
    if not name.lower().endswith(".xlsx"):
        raise ImportFileError(_("Upload an Excel file (.xlsx), made from the template."))
    if size > max_bytes():
        raise ImportFileError(
            _("The file is too large (%(size)s MB); the limit is %(max)s MB.")
            % {"size": round(size / 1048576, 1), "max": round(max_bytes() / 1048576, 1)}
        )
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    if not head.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _("This is not an Excel workbook (.xlsx), even if its name ends in .xlsx.")
        )


@dataclass
class Sheet:
    """An opened data sheet: which column index holds which column, and its row stream."""

    headers: list[str]
    positions: list[tuple[int, Column]]
    total: int  # data rows announced by the sheet (an estimate when it has no dimension)
    rows: Iterator[tuple[int, list[Any], list[bool]]]  # (row number, values, is_formula)
    workbook: Any

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()


def open_sheet(path: str | Path, columns: list[Column]) -> Sheet:
    """Open the data sheet of ``path`` and match its headers to ``columns``."""
    path = Path(path)
    if path.stat().st_size > max_bytes():
        raise ImportFileError(
            _("The file is too large; the limit is %(max)s MB.")
            % {"max": round(max_bytes() / 1048576, 1)}
        )
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ImportFileError(
            _("This file cannot be read as an Excel workbook (.xlsx). Save it again from Excel.")
        ) from None
    try:
        sheet = _data_sheet(workbook)
        if sheet is None:
            raise ImportFileError(_("The workbook has no data sheet."))
        limit = max_rows()
        declared = sheet.max_row if sheet.max_row is not None else None
        if declared is not None and declared - 1 > limit:
            raise ImportFileError(
                _(
                    "The file has %(rows)s rows; at most %(max)s rows can be imported at once. "
                    "Split it into smaller files."
                )
                % {
                    "rows": f"{declared - 1:,}".replace(",", "."),
                    "max": f"{limit:,}".replace(",", "."),
                }
            )
        cells = sheet.iter_rows()
        first = next(cells, None)
        headers = [_cell_text(c.value) for c in first] if first else []
        while headers and not headers[-1]:
            headers.pop()
        if not headers:
            raise ImportFileError(
                _("The workbook is empty: the first row must hold the column headers.")
            )
        positions = _match_headers(headers, columns)
        stream = _stream(cells, positions, limit)
        return Sheet(headers, positions, max(0, (declared or 1) - 1), stream, workbook)
    except BaseException:
        workbook.close()
        raise


def _data_sheet(workbook):
    sheets = [ws for ws in workbook.worksheets if ws.title != INSTRUCTIONS_SHEET]
    return sheets[0] if sheets else None


def _cell_text(value) -> str:
    return "" if value is None else str(value).strip()


def _match_headers(headers: list[str], columns: list[Column]) -> list[tuple[int, Column]]:
    wanted = {}
    for column in columns:
        wanted[header_key(column.label)] = column
        wanted[header_key(column.key)] = column
    positions: list[tuple[int, Column]] = []
    seen: set[str] = set()
    unknown, repeated = [], []
    for index, header in enumerate(headers):
        if not header or header_key(header) == header_key(ERROR_HEADER):
            continue
        column = wanted.get(header_key(header))
        if column is None:
            unknown.append(header)
        elif column.key in seen:
            repeated.append(header)
        else:
            seen.add(column.key)
            positions.append((index, column))
    missing = [c.header for c in columns if c.required and c.key not in seen]
    problems = []
    if missing:
        problems.append(_("missing columns: %(list)s") % {"list": ", ".join(missing)})
    if unknown:
        problems.append(_("unknown columns: %(list)s") % {"list": ", ".join(unknown)})
    if repeated:
        problems.append(_("repeated columns: %(list)s") % {"list": ", ".join(repeated)})
    if problems:
        raise ImportFileError(
            _(
                "The headers do not match the template (%(problems)s). Download the template "
                "and copy your data under its headers."
            )
            % {"problems": "; ".join(problems)}
        )
    return positions


def _stream(cells, positions, limit: int):
    count = 0
    for number, row in enumerate(cells, start=2):
        values, formulas = [], []
        blank = True
        for index, _column in positions:
            cell = row[index] if index < len(row) else None
            value = getattr(cell, "value", None)
            if isinstance(value, str):
                value = value.strip() or None
            values.append(value)
            formulas.append(getattr(cell, "data_type", None) == "f")
            if value is not None:
                blank = False
        if blank:
            continue
        count += 1
        if count > limit:
            raise ImportFileError(
                _("The file has more than %(max)s rows; split it into smaller files.")
                % {"max": f"{limit:,}".replace(",", ".")}
            )
        yield number, values, formulas


# --- The cells of a checked file, kept for its commit -----------------------------------
#
# The commit checks every row again (the database may have changed since the preview),
# but the file has not: reading the same bytes again with openpyxl would cost as much as
# all the checks together. The preview therefore keeps the raw cells it read (JSON lines,
# next to the upload) with the file's SHA-256; the commit uses them only if the upload
# still has that digest, and otherwise reads the workbook again.

CACHE_VERSION = 1


def file_digest(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _encode(value):
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict):
        if "dt" in value:
            return dt.datetime.fromisoformat(value["dt"])
        if "d" in value:
            return dt.date.fromisoformat(value["d"])
        return dt.time.fromisoformat(value["t"])
    return value


def save_cells(cache: Path, path: str | Path, sheet: Sheet, rows: list) -> None:
    """Keep the cells read from ``path`` (see above); best effort."""
    head = {
        "version": CACHE_VERSION,
        "sha256": file_digest(path),
        "headers": sheet.headers,
        "keys": [column.key for _index, column in sheet.positions],
    }
    try:
        with open(cache, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(head) + "\n")
            for number, values, formulas in rows:
                handle.write(json.dumps([number, [_encode(v) for v in values], formulas]) + "\n")
    except (OSError, TypeError, ValueError):
        Path(cache).unlink(missing_ok=True)


def load_cells(cache: Path, path: str | Path, columns: list[Column]) -> Sheet | None:
    """The cells kept by :func:`save_cells` if they belong to this very file, else None."""
    by_key = {column.key: column for column in columns}
    try:
        with open(cache, encoding="utf-8") as handle:
            head = json.loads(handle.readline())
            if head.get("version") != CACHE_VERSION or head.get("sha256") != file_digest(path):
                return None
            if any(key not in by_key for key in head["keys"]):
                return None
            rows = []
            for line in handle:
                number, values, formulas = json.loads(line)
                rows.append((number, [_decode(v) for v in values], formulas))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    positions = [(index, by_key[key]) for index, key in enumerate(head["keys"])]
    return Sheet(head["headers"], positions, len(rows), iter(rows), workbook=None)
