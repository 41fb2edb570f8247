"""A bounded reader of .xlsx workbooks, for files that may be hostile.

An .xlsx file is a zip archive of XML parts. Files from the field are often wrong (a
``<dimension>`` that does not match the data, a hidden sheet first) and sometimes hostile
(a 3 MB archive that expands to gigabytes, XML entity expansion, a damaged archive).
openpyxl's read-only mode trusts the dimension, loads every shared string whole, builds
each cell's text whole and hands the XML to a parser that accepts a DOCTYPE, so this
module reads the few parts an import needs itself, with limits at every step:

1. **Before anything is decompressed**, from the archive's directory: the number of
   members, the total of their declared uncompressed sizes, each member's compression
   ratio and the size of the shared strings (:func:`open_archive`).
2. **While reading**, each member through a cap: a member producing more bytes than it
   declared (a lying header) or than its limit is refused (:meth:`Workbook._chunks`); a
   damaged archive (bad CRC, broken deflate stream) is a clear message.
3. **While parsing** (expat, fed in 64 KB chunks, so memory stays flat): any DOCTYPE or
   ENTITY declaration is refused before an entity can be declared, let alone expanded;
   malformed XML names its part, line and column; a cell's text is kept only up to
   Excel's own limit (32.767 characters) — a longer one arrives as :class:`Overlong`; the
   rows are read as they are, whatever the dimension says, and blank rows count against
   the row limit.

Text cells are cleaned with :func:`ctxh.core.text.clean_text` (NFC, no invisible
characters). Dates follow the cell's number format as in Excel (1900 or 1904 epoch).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

from ctxh.core.text import clean_text

from .archive import (
    MAX_SHARED_STRINGS_BYTES,
    MB,
    _damaged_archive,
    _too_large,
    max_uncompressed,
    open_archive,
)
from .spec import ImportFileError

CHUNK = 64 * 1024
#: Excel's own limits: characters in a cell, columns in a sheet.
MAX_CELL_CHARS = 32_767
MAX_COLUMNS = 16_384
#: What is kept of each cell of the header row, read whole (up to 16.384 cells).
HEADER_CHARS = 200
MAX_PART = 16 * MB
MAX_SHARED_STRINGS = 1_000_000

_MAIN = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


class Overlong(str):
    """The first 32.767 characters of a cell that holds more (Excel's limit)."""


class ExcelError(str):
    """An Excel error value (``#N/A``, ``#REF!``…) stored as the cell's value."""


@dataclass(frozen=True)
class SheetInfo:
    title: str
    visible: bool
    part: str


def _local(name: str) -> str:
    # expat with namespace_separator=" " gives "uri local"; keep the local part.
    return name.rpartition(" ")[2]


class Workbook:
    """An .xlsx archive opened for reading within limits; close it when done."""

    def __init__(self, path: str | Path):
        self.archive = open_archive(path)
        try:
            self._read_structure()
        except BaseException:
            self.archive.close()
            raise
        self._shared: list[str] | None = None
        self._dates: tuple[set[int], set[int]] | None = None

    def close(self) -> None:
        self.archive.close()

    # --- the parts ------------------------------------------------------------------

    def _chunks(self, name: str, cap: int, progress: Callable[[int], None] | None = None):
        """The bytes of member ``name`` in chunks, never more than declared nor than ``cap``."""
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise ImportFileError(
                _("The workbook is incomplete: its part “%(part)s” is missing.") % {"part": name}
            ) from None
        if info.file_size > cap:
            raise _too_large(name, info.file_size, cap)
        done = 0
        with self.archive.open(info) as member:
            while chunk := member.read(CHUNK):
                done += len(chunk)
                if done > info.file_size or done > cap:
                    raise _too_large(name, done, cap)
                if progress:
                    progress(done)
                yield chunk

    def _parse(self, name: str, cap: int, start, end=None, text=None, progress=None):
        """Parse member ``name`` with expat, feeding it chunk by chunk; ``start(name, attrs)``
        may return a list the handler collects rows into (yielded after each chunk)."""
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.buffer_size = CHUNK
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.EntityDeclHandler = _refuse_doctype
        parser.ExternalEntityRefHandler = _refuse_doctype
        parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if text:
            parser.CharacterDataHandler = text
        try:
            for chunk in self._chunks(name, cap, progress):
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
            yield
        except expat.ExpatError as exc:
            message = expat.ErrorString(exc.code)
            raise ImportFileError(_invalid_xml(name, exc.lineno, exc.offset, message)) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError):
            raise ImportFileError(_damaged_archive()) from None

    def _run(self, name: str, cap: int, start, end=None, text=None) -> None:
        for _chunk in self._parse(name, cap, start, end, text):
            pass

    def _rels(self, name: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, target path) of a ``.rels`` part."""
        base = posixpath.dirname(posixpath.dirname(name))
        found: dict[str, tuple[str, str]] = {}

        def start(tag, attrs):
            if _local(tag) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(base, target))
                )
                found[attrs.get("Id", "")] = (attrs.get("Type", ""), path)

        if name in self.archive.NameToInfo:
            self._run(name, MAX_PART, start)
        return found

    def _read_structure(self) -> None:
        root = self._rels("_rels/.rels")
        self.workbook_part = next(
            (p for t, p in root.values() if t.endswith("/officeDocument")), "xl/workbook.xml"
        )
        folder = posixpath.dirname(self.workbook_part)
        name = posixpath.basename(self.workbook_part)
        rels = self._rels(posixpath.join(folder, "_rels", name + ".rels"))
        self.shared_part = next((p for t, p in rels.values() if t.endswith("/sharedStrings")), None)
        self.styles_part = next((p for t, p in rels.values() if t.endswith("/styles")), None)
        self.sheets: list[SheetInfo] = []
        self.epoch = WINDOWS_EPOCH

        def start(tag, attrs):
            local = _local(tag)
            if local == "sheet":
                rid = next((v for k, v in attrs.items() if k.endswith(" id")), "")
                kind, part = rels.get(rid, ("", ""))
                if kind.endswith("/worksheet"):
                    title = clean_text(attrs.get("name", ""))
                    visible = attrs.get("state", "visible") == "visible"
                    self.sheets.append(SheetInfo(title, visible, part))
            elif local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = MAC_EPOCH

        self._run(self.workbook_part, MAX_PART, start)

    def shared_strings(self) -> list[str]:
        """Every shared string, each cut at Excel's limit (see :class:`Overlong`)."""
        if self._shared is not None:
            return self._shared
        strings: list[str] = []
        self._shared = strings
        if not self.shared_part or self.shared_part not in self.archive.NameToInfo:
            return strings
        state = {"buf": [], "size": 0, "t": False, "skip": 0}
        tags = _SHARED_TAGS

        def start(tag, attrs):
            code = tags.get(tag)
            if code is _SI:
                state["buf"], state["size"] = [], 0
            elif code is _T:
                state["t"] = not state["skip"]
            elif code is _RPH:
                state["skip"] += 1

        def end(tag):
            code = tags.get(tag)
            if code is _SI:
                if len(strings) >= MAX_SHARED_STRINGS:
                    raise _too_many_strings()
                strings.append(_text(state["buf"], state["size"]))
            elif code is _T:
                state["t"] = False
            elif code is _RPH:
                state["skip"] -= 1

        def text(data):
            if state["t"]:
                room = MAX_CELL_CHARS + 1 - state["size"]
                if room > 0:
                    state["buf"].append(data if len(data) <= room else data[:room])
                state["size"] += len(data)

        self._run(self.shared_part, MAX_SHARED_STRINGS_BYTES, start, end, text)
        return strings

    def date_styles(self) -> tuple[set[int], set[int]]:
        """The cell style indexes whose number format is a date (and a duration)."""
        if self._dates is not None:
            return self._dates
        dates: set[int] = set()
        durations: set[int] = set()
        self._dates = (dates, durations)
        if not self.styles_part or self.styles_part not in self.archive.NameToInfo:
            return self._dates
        formats: dict[int, str] = dict(BUILTIN_FORMATS)
        xfs: list[int] = []
        where = {"cellXfs": False}

        def start(tag, attrs):
            local = _local(tag)
            if local == "numFmt":
                with contextlib.suppress(ValueError):
                    formats[int(attrs.get("numFmtId", "-1"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                where["cellXfs"] = True
            elif local == "xf" and where["cellXfs"]:
                try:
                    xfs.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    xfs.append(0)

        def end(tag):
            if _local(tag) == "cellXfs":
                where["cellXfs"] = False

        self._run(self.styles_part, MAX_PART, start, end)
        for index, fmt_id in enumerate(xfs):
            fmt = formats.get(fmt_id)
            if is_date_format(fmt):
                dates.add(index)
                if is_timedelta_format(fmt):
                    durations.add(index)
        return self._dates

    # --- the rows of a sheet ----------------------------------------------------------

    def rows(
        self,
        sheet: SheetInfo,
        *,
        max_row: int,
        wanted: Callable[[], set[int] | None],
        progress: Callable[[float], None] | None = None,
    ) -> Iterator[tuple[int, dict[int, tuple[Any, bool]]]]:
        """``(row number, {column index: (value, is_formula)})`` for each row of ``sheet``
        that has a value, in order. Only the columns ``wanted()`` returns are kept (None:
        all; asked again after each row, so the header row can decide). A row element
        numbered past ``max_row`` — blank or not — refuses the file."""
        shared = self.shared_strings()
        dates, durations = self.date_styles()
        epoch = self.epoch
        out: list[tuple[int, dict]] = []
        st = _RowState(wanted())
        info = self.archive.NameToInfo.get(sheet.part)
        size = max(info.file_size if info else 1, 1)
        tags = _SHEET_TAGS
        # The handlers run once per element of the sheet: kept lean on purpose.

        def start(tag, attrs):
            code = tags.get(tag)
            if code is _C:
                ref = attrs.get("r")
                st.col = col = _column(ref) if ref else st.col + 1
                if col > MAX_COLUMNS:
                    raise _damaged_sheet(sheet.title)
                st.keep = st.cols is None or col in st.cols
                st.type = attrs.get("t", "n")
                st.style = attrs.get("s")
                st.formula = False
                st.buf, st.size = [], 0
            elif code is _V:
                st.text = st.keep
            elif code is _T:
                st.text = st.keep and st.type == "inlineStr" and not st.skip
            elif code is _ROW:
                ref = attrs.get("r")
                st.row = int(ref) if ref else st.row + 1
                if st.row > max_row:
                    raise _RowLimit(st.row)
                st.col, st.cells = 0, {}
            elif code is _F:
                st.formula = True
                st.ftext = []
                st.text = st.keep
            elif code is _RPH:
                st.skip += 1

        def end(tag):
            code = tags.get(tag)
            if code is _C:
                if st.keep:
                    value = _value(st, shared, dates, durations, epoch)
                    if value is not None or st.formula:
                        st.cells[st.col] = (value, st.formula)
            elif code is _V or code is _T:
                st.text = False
            elif code is _ROW:
                if st.cells:
                    out.append((st.row, st.cells))
                    st.cells = {}
                    st.header = False
                st.cols = wanted()
            elif code is _F:
                st.text = False
                st.ftext, st.buf, st.size = st.buf, [], 0
            elif code is _RPH:
                st.skip -= 1

        def text(data):
            if st.text:
                # Keep a cell's text up to Excel's limit only (a header: a short prefix).
                room = (HEADER_CHARS if st.header else MAX_CELL_CHARS + 1) - st.size
                if room > 0:
                    st.buf.append(data if len(data) <= room else data[:room])
                st.size += len(data)

        def report(done: int) -> None:
            if progress:
                progress(done / size)

        for _chunk in self._parse(sheet.part, max_uncompressed(), start, end, text, report):
            if out:
                yield from out
                out.clear()


_C, _V, _T, _F, _ROW, _RPH, _SI = (object() for _i in range(7))
_SHEET_TAGS = {
    f"{ns} {name}": code
    for ns in _MAIN
    for name, code in (("c", _C), ("v", _V), ("t", _T), ("f", _F), ("row", _ROW), ("rPh", _RPH))
}
_SHARED_TAGS = {
    f"{ns} {name}": code for ns in _MAIN for name, code in (("si", _SI), ("t", _T), ("rPh", _RPH))
}


class _RowState:
    __slots__ = (
        "header",
        "cols",
        "row",
        "col",
        "cells",
        "keep",
        "type",
        "style",
        "formula",
        "ftext",
        "buf",
        "size",
        "text",
        "skip",
    )

    def __init__(self, cols):
        self.cols = cols
        self.header = True  # until the first row with a value (the headers) ends
        self.row = self.col = self.size = self.skip = 0
        self.cells: dict = {}
        self.keep = self.formula = self.text = False
        self.type, self.style = "n", None
        self.buf: list[str] = []
        self.ftext: list[str] = []


class _RowLimit(Exception):
    def __init__(self, row: int):
        self.row = row


def _text(buf: list[str], size: int) -> str:
    value = "".join(buf)
    if size > MAX_CELL_CHARS:
        return Overlong(clean_text(value[:MAX_CELL_CHARS]))
    return clean_text(value)


def _value(st: _RowState, shared, dates, durations, epoch):
    if st.formula:
        return "=" + "".join(st.ftext)
    kind = st.type
    raw = "".join(st.buf) if st.size <= MAX_CELL_CHARS else None
    if kind in ("inlineStr", "str"):
        value = _text(st.buf, st.size)
        return value or None
    if raw is None:  # a number, boolean, error or index longer than a cell can be
        return Overlong(clean_text("".join(st.buf)[:MAX_CELL_CHARS]))
    raw = raw.strip()
    if not raw:
        return None
    if kind == "s":
        try:
            return shared[int(raw)] or None
        except (ValueError, IndexError):
            raise ImportFileError(_damaged_strings()) from None
    if kind == "b":
        return raw in ("1", "true")
    if kind == "e":
        return ExcelError(raw[:20])
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(raw.rstrip("Z"))
        except ValueError:
            return clean_text(raw)
    try:
        number = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
    except ValueError:
        return clean_text(raw)
    if st.style is not None:
        try:
            style = int(st.style)
        except ValueError:
            style = -1
        if style in dates:
            try:
                return from_excel(number, epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                return ExcelError("#VALUE!")
    return number


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """The column number of a cell reference ("AB12" → 28)."""
    letters = ref.rstrip("0123456789")
    number = _COLUMNS.get(letters)
    if number is not None:
        return number
    number = 0
    for char in letters.upper():
        if not "A" <= char <= "Z" or number > MAX_COLUMNS:
            return MAX_COLUMNS + 1
        number = number * 26 + ord(char) - 64
    if len(_COLUMNS) < MAX_COLUMNS:
        _COLUMNS[letters] = number
    return number


def _too_many_strings() -> ImportFileError:
    return ImportFileError(
        _("The workbook holds more than %(max)s different texts; it cannot be imported.")
        % {"max": f"{MAX_SHARED_STRINGS:,}".replace(",", ".")}
    )


def _invalid_xml(part: str, line, column, error: str) -> str:
    return _(
        "The workbook is damaged: its part “%(part)s” is not valid XML (line "
        "%(line)s, column %(column)s: %(error)s). Open it in Excel and save it again."
    ) % {"part": part, "line": line, "column": column, "error": error[:100]}


def _refuse_doctype(*args):
    raise ImportFileError(
        _(
            "The workbook contains XML declarations (DOCTYPE/ENTITY) that Excel never writes; "
            "it is refused for safety. Open it in Excel and save it again."
        )
    )


def _damaged_strings() -> ImportFileError:
    return ImportFileError(
        _("The workbook is damaged: a cell points to a text that does not exist.")
    )


def _damaged_sheet(title: str) -> ImportFileError:
    return ImportFileError(
        _("The sheet “%(sheet)s” is damaged: a cell lies beyond Excel's last column.")
        % {"sheet": title}
    )
