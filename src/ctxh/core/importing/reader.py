"""Reading an uploaded workbook as a stream of rows, refusing bad files early.

The workbook is read by :mod:`.xlsx`, a bounded reader: the archive is checked from its
directory before anything is unpacked (members, total size, compression ratio), every part
is read through a size cap and parsed in chunks with DOCTYPE/ENTITY declarations refused,
and the rows are read as they really are — the sheet's declared ``<dimension>`` is never
trusted. A row numbered past the row limit (blank or not) stops the reading. The data
sheet is the visible sheet the template names (compared accent- and case-insensitively,
after Unicode normalisation); failing that, the first visible sheet other than the
instructions. Formulas arrive as their text and are refused, never evaluated. Every text
cell is cleaned (:func:`ctxh.core.text.clean_text`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from ctxh.core.text import shorten

from .archive import check_archive
from .spec import Column, ImportFileError, header_key
from .xlsx import ExcelError, Overlong, SheetInfo, Workbook, _RowLimit

INSTRUCTIONS_SHEET = "Hướng dẫn"
#: The hidden sheet of the template that holds the drop-down lists.
LISTS_SHEET = "Danh mục"
#: The template's sheet listing the organisation codes the user may use.
CODES_SHEET = "Mã tổ chức"
#: The header of the error column in a file of rejected rows; ignored when re-uploaded.
ERROR_HEADER = "Lỗi"


def max_rows() -> int:
    return int(getattr(settings, "CTXH_IMPORT_MAX_ROWS", 100_000))


def max_bytes() -> int:
    return int(getattr(settings, "CTXH_IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


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
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # an OLE file, not a zip
        raise ImportFileError(
            _(
                "This is an old Excel file (.xls) or a workbook protected by a password. Save "
                "it as .xlsx, without a password."
            )
        )
    if not head.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            _("This is not an Excel workbook (.xlsx), even if its name ends in .xlsx.")
        )


def check_upload_archive(fileobj) -> None:
    """The archive's directory checked at upload (members, sizes, ratios): a bomb is refused
    on the page, before a job is even queued. Nothing is unpacked."""
    import zipfile

    try:
        with zipfile.ZipFile(fileobj) as archive:
            check_archive(archive)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ImportFileError(
            _(
                "This file cannot be read as an Excel workbook (.xlsx): the archive is damaged, "
                "or it is protected by a password. Save it again from Excel, without a password."
            )
        ) from None
    finally:
        fileobj.seek(0)


@dataclass
class Sheet:
    """An opened data sheet: which column index holds which column, and its row stream."""

    headers: list[str]
    positions: list[tuple[int, Column]]
    rows: Iterator[tuple[int, list[Any], list[bool]]]  # (row number, values, is_formula)
    workbook: Any
    title: str = ""
    #: How much of the sheet has been read, 0 to 1 (for the progress bar).
    read: list[float] = field(default_factory=lambda: [0.0])

    @property
    def fraction(self) -> float:
        return self.read[0]

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()


def open_sheet(path: str | Path, columns: list[Column], sheet_title: str = "") -> Sheet:
    """Open the data sheet of ``path`` and match its headers to ``columns``."""
    path = Path(path)
    if path.stat().st_size > max_bytes():
        raise ImportFileError(
            _("The file is too large; the limit is %(max)s MB.")
            % {"max": round(max_bytes() / 1048576, 1)}
        )
    workbook = Workbook(path)
    try:
        info = data_sheet(workbook.sheets, sheet_title)
        if info is None:
            raise ImportFileError(_("The workbook has no visible data sheet."))
        limit = max_rows()
        wanted: dict[str, set[int] | None] = {"cols": None}
        read = [0.0]

        def progress(fraction: float) -> None:
            read[0] = fraction

        rows = workbook.rows(
            info, max_row=limit + 1, wanted=lambda: wanted["cols"], progress=progress
        )
        try:
            first = next(rows, None)
        except _RowLimit as exc:
            raise _too_many_rows(limit, exc.row) from None
        if first is None:
            raise ImportFileError(
                _("The workbook is empty: the first row must hold the column headers.")
            )
        _header_row, cells = first
        width = max(cells) if cells else 0
        headers = [_header_text(cells.get(i, (None, False))[0]) for i in range(1, width + 1)]
        while headers and not headers[-1]:
            headers.pop()
        if not headers:
            raise ImportFileError(
                _("The workbook is empty: the first row must hold the column headers.")
            )
        positions = _match_headers(headers, columns)
        wanted["cols"] = {index + 1 for index, _column in positions}
        stream = _stream(rows, positions, limit)
        return Sheet(headers, positions, stream, workbook, title=info.title, read=read)
    except BaseException:
        workbook.close()
        raise


def data_sheet(sheets: list[SheetInfo], title: str = "") -> SheetInfo | None:
    """The visible sheet named ``title`` (compared like headers), else the first visible
    sheet that is neither the instructions nor the lists of the template."""
    visible = [s for s in sheets if s.visible]
    if title:
        wanted = header_key(title)
        for sheet in visible:
            if header_key(sheet.title) == wanted:
                return sheet
    skip = {header_key(INSTRUCTIONS_SHEET), header_key(LISTS_SHEET), header_key(CODES_SHEET)}
    return next((s for s in visible if header_key(s.title) not in skip), None)


def _header_text(value) -> str:
    return "" if value is None else shorten(str(value).strip(), 100)


def _too_many_rows(limit: int, row: int) -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(max)s rows (it reaches row %(row)s; empty rows count "
            "too). Delete the empty rows below your data, or split it into smaller files."
        )
        % {"max": _number(limit), "row": _number(min(row, 1_048_576))}
    )


def _list(items: list[str], limit: int = 10) -> str:
    shown = ", ".join(shorten(item, 60) for item in items[:limit])
    return shown + (", …" if len(items) > limit else "")


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
        problems.append(_("missing columns: %(list)s") % {"list": _list(missing, 30)})
    if unknown:
        problems.append(_("unknown columns: %(list)s") % {"list": _list(unknown)})
    if repeated:
        problems.append(_("repeated columns: %(list)s") % {"list": _list(repeated)})
    if problems:
        raise ImportFileError(
            _(
                "The headers do not match the template (%(problems)s). Download the template "
                "and copy your data under its headers."
            )
            % {"problems": "; ".join(problems)}
        )
    return positions


def _stream(rows, positions, limit: int):
    count = 0
    indexes = [index + 1 for index, _column in positions]
    try:
        for number, cells in rows:
            values, formulas = [], []
            blank = True
            for index in indexes:
                value, formula = cells.get(index, (None, False))
                values.append(value)
                formulas.append(formula)
                if value is not None:
                    blank = False
            if blank:
                continue
            count += 1
            if count > limit:  # cannot happen while rows past limit + 1 are refused
                raise _too_many_rows(limit, number)
            yield number, values, formulas
    except _RowLimit as exc:
        raise _too_many_rows(limit, exc.row) from None


# --- The cells of a checked file, kept for its commit -----------------------------------
#
# The commit checks every row again (the database may have changed since the preview),
# but the file has not: reading the same bytes again with openpyxl would cost as much as
# all the checks together. The preview therefore keeps the raw cells it read (JSON lines,
# next to the upload) with the file's SHA-256; the commit uses them only if the upload
# still has that digest, and otherwise reads the workbook again.

CACHE_VERSION = 2


def file_digest(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _encode(value):
    if isinstance(value, ExcelError):
        return {"e": str(value)}
    if isinstance(value, Overlong):
        return {"o": str(value)}
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict):
        if "e" in value:
            return ExcelError(value["e"])
        if "o" in value:
            return Overlong(value["o"])
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
        "sheet": sheet.title,
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
    return Sheet(head["headers"], positions, iter(rows), workbook=None, title=head.get("sheet", ""))
