"""Validating a whole file, then writing it all or nothing.

:func:`analyse` reads every row of the data sheet and, for each row, in this order:

1. each cell through its column's parser (a formula is refused, never evaluated; an empty
   required cell is an error; an empty optional cell means "keep what is stored");
2. the kind's cross-cell checks (:meth:`ImportKind.check`: scope, CCCD against sex and
   birth year…);
3. the row's natural key: a key already seen earlier in the file rejects the row;
4. the kind's comparison with the database (:meth:`ImportKind.plan`), which runs the
   model's own validation and says *new*, *updated* or *unchanged*.

:func:`commit` analyses the file again (the database may have changed since the
preview), refuses if any row is rejected, and otherwise lets the kind write every new
and updated row inside ONE transaction, with one summary audit event. Importing the same
file twice changes nothing: the second time every row is *unchanged*.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from ctxh.core import audit
from ctxh.core.exporting import safe_cell

from .reader import ERROR_HEADER, load_cells, open_sheet, save_cells
from .spec import CellError, Context, ImportFileError, ImportKind, display, excel_error
from .xlsx import MAX_CELL_CHARS, ExcelError, Overlong

NEW, UPDATED, UNCHANGED, REJECTED = "new", "updated", "unchanged", "rejected"
STATUSES = (NEW, UPDATED, UNCHANGED, REJECTED)
#: How many row errors the preview keeps (the file of rejected rows has all of them).
PREVIEW_ERRORS = 50

Progress = Callable[[int, str], None]


@dataclass
class RowResult:
    number: int
    status: str
    errors: list[str] = field(default_factory=list)
    raw: list[Any] | None = None  # kept for rejected rows only (the file of errors)
    payload: Any = None
    #: What the preview lists (with ``describe``): see :func:`describe_row`.
    summary: dict | None = None

    @property
    def message(self) -> str:
        """The row's errors as one sentence list: "Ngày sinh: …; Số CCCD: …"."""
        return "; ".join(e.rstrip(". ") for e in self.errors) + "." if self.errors else ""


@dataclass
class Analysis:
    """The outcome of reading a file: one result per non-blank row, and the counts."""

    kind: ImportKind
    headers: list[str]
    rows: list[RowResult]
    ctx: Context
    sheet: str = ""  # the title of the sheet that was read

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            counts[row.status] += 1
        counts["total"] = len(self.rows)
        return counts

    @property
    def rejected(self) -> list[RowResult]:
        return [r for r in self.rows if r.status == REJECTED]

    def summary(self) -> dict[str, Any]:
        """What the preview page shows (stored as the job's JSON result)."""
        return {
            "kind": self.kind.name,
            "sheet": self.sheet,
            "counts": self.counts,
            "errors": [
                {"row": r.number, "errors": r.errors, "message": r.message}
                for r in self.rejected[:PREVIEW_ERRORS]
            ],
        }

    def rejected_workbook(self) -> bytes:
        """The rejected rows as they were, with an error column, re-uploadable once fixed."""
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title=self.kind.sheet_title[:31])
        bold, red = Font(bold=True), PatternFill("solid", fgColor="F8D7DA")
        header = []
        for title in [*self.headers, ERROR_HEADER]:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in self.rejected:
            message = _("Row %(row)s: %(errors)s") % {
                "row": row.number,
                "errors": row.message,
            }
            error_cell = WriteOnlyCell(ws, value=safe_cell(message))
            error_cell.fill = red
            ws.append([*(safe_cell(_plain(v)) for v in row.raw or []), error_cell])
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()


def _plain(value):
    # A cell that is too long for Excel would make the whole file unreadable.
    if isinstance(value, str) and len(value) > 32000:
        return value[:200] + "…"
    return value


def _kept(values: list) -> list:
    """A rejected row's cells as kept for the file of rejected rows: no field takes more
    than a few hundred characters, so a longer cell is cut (memory stays bounded)."""
    return [v[:1000] + "…" if isinstance(v, str) and len(v) > 1000 else v for v in values]


def check_allowed(kind: ImportKind, user) -> None:
    if not kind.allowed(user):
        raise PermissionDenied


def analyse(
    kind: ImportKind,
    path: str | Path,
    *,
    user,
    progress: Progress | None = None,
    cells: Path | None = None,
    describe: bool = False,
) -> Analysis:
    """Validate every row of the file at ``path``; writes nothing to the database.

    With ``cells`` (a path), the cells read are kept there, or, when a previous check of
    this same file kept them, read from there instead of the workbook (see
    :func:`reader.save_cells`); every row is checked again either way. With ``describe``,
    each row keeps the short summary the preview lists (:func:`describe_row`).
    """
    check_allowed(kind, user)
    ctx = Context(user=user)
    sheet = load_cells(cells, path, kind.columns) if cells else None
    record: list | None = [] if cells and sheet is None else None
    sheet = sheet or open_sheet(path, kind.columns, kind.sheet_title)
    try:
        if progress:
            progress(2, _("Reading the sheet “%(sheet)s”") % {"sheet": sheet.title})
        kind.prepare(ctx)
        seen: dict[tuple, int] = {}
        results: list[RowResult] = []
        columns = [column for _index, column in sheet.positions]
        for number, values, formulas in sheet.rows:
            if record is not None:
                record.append((number, values, formulas))
            result = _analyse_row(kind, ctx, columns, number, values, formulas, seen, describe)
            results.append(result)
            if result.status == REJECTED:
                record = None  # a file with rejected rows is never committed: keep no cells
            if progress and len(results) % 500 == 0:
                progress(
                    5 + int(85 * min(sheet.fraction, 1.0)),
                    _("Checked %(done)s rows") % {"done": len(results)},
                )
    finally:
        sheet.close()
    if not results:
        raise ImportFileError(_("The file has headers but no data rows."))
    if record is not None:
        save_cells(cells, path, sheet, record)
    elif cells:
        Path(cells).unlink(missing_ok=True)
    return Analysis(
        kind=kind, headers=[c.header for c in columns], rows=results, ctx=ctx, sheet=sheet.title
    )


def _analyse_row(kind, ctx, columns, number, values, formulas, seen, describe) -> RowResult:
    errors: list[str] = []
    cleaned: dict[str, Any] = {}
    for column, raw, is_formula in zip(columns, values, formulas):
        if is_formula:
            errors.append(f"{column.label}: " + _("formulas are not accepted, type the value."))
        elif isinstance(raw, Overlong):
            errors.append(
                f"{column.label}: "
                + _("more than %(max)s characters, Excel's limit for a cell.")
                % {"max": f"{MAX_CELL_CHARS:,}".replace(",", ".")}
            )
        elif isinstance(raw, ExcelError) or excel_error(raw):
            errors.append(
                f"{column.label}: "
                + _("the cell holds the Excel error “%(value)s”; type the value.")
                % {"value": str(raw)[:20]}
            )
        elif raw is None:
            if column.required:
                errors.append(f"{column.label}: " + _("required."))
        else:
            try:
                cleaned[column.key] = column.parser(raw, ctx)
            except CellError as exc:
                errors.append(f"{column.label}: {exc}")
    errors.extend(kind.check(cleaned, ctx))
    key = kind.key(cleaned)
    if key is not None:
        if key in seen:
            errors.append(_("the same record as row %(row)s of this file.") % {"row": seen[key]})
        else:
            seen[key] = number
    if not errors:
        status, payload, errors = kind.plan(cleaned, ctx)
    if errors:
        result = RowResult(number, REJECTED, _short(errors), raw=_kept(values))
    else:
        result = RowResult(number, status, payload=payload)
    if describe:
        raw = dict(zip((c.key for c in columns), values))
        result.summary = describe_row(kind, ctx, result, cleaned, raw)
    return result


#: At most this many characters of a rejected row's errors are listed in the preview.
SUMMARY_ERRORS = 1000


def describe_row(kind, ctx, result: RowResult, cleaned: dict, raw: dict) -> dict:
    """A row as the preview lists it, short whatever the file holds: ``n`` its number,
    ``s`` its status, ``c`` the kind's identifying columns as text, ``d`` the changes of
    an updated row as ``[label, old, new]`` in the columns' order, ``e`` the errors of a
    rejected row. Values are shortened and CCCD numbers masked (:meth:`Column.display`)."""
    summary: dict[str, Any] = {"n": result.number, "s": result.status, "c": []}
    for column in ctx.lookup("shown_columns", kind.shown_columns):
        if result.status == REJECTED and column.key not in cleaned:
            summary["c"].append(display(raw.get(column.key)))
        else:
            summary["c"].append(column.display(cleaned.get(column.key), ctx))
    if result.status == UPDATED:
        order = {c.key: i for i, c in enumerate(kind.columns)}
        labels = {c.key: c for c in kind.columns}
        changes = sorted(
            kind.changes(cleaned, result.payload, ctx), key=lambda c: order.get(c[0], 999)
        )
        summary["d"] = [
            [
                labels[key].label if key in labels else str(key),
                labels[key].display(old, ctx) if key in labels else display(old),
                labels[key].display(new, ctx) if key in labels else display(new),
            ]
            for key, old, new in changes
        ]
    if result.status == REJECTED:
        message = result.message
        summary["e"] = message if len(message) <= SUMMARY_ERRORS else message[:999] + "…"
    return summary


def _short(errors: list[str]) -> list[str]:
    # A message quotes values; whatever a kind wrote, never send back a huge one.
    return [e if len(e) <= 400 else e[:399] + "…" for e in errors]


def commit(
    kind: ImportKind,
    path: str | Path,
    *,
    user,
    filename: str = "",
    progress: Progress | None = None,
    cells: Path | None = None,
) -> dict[str, Any]:
    """Analyse again and write everything in one transaction, or nothing at all."""
    analysis = analyse(kind, path, user=user, progress=progress, cells=cells)
    return write(analysis, user=user, filename=filename, progress=progress)


def write(
    analysis: Analysis, *, user, filename: str = "", progress: Progress | None = None
) -> dict[str, Any]:
    """Write an analysed file in one transaction; refuses if any row is rejected."""
    kind = analysis.kind
    counts = analysis.counts
    if counts[REJECTED]:
        raise ImportFileError(
            _(
                "%(count)s rows are rejected; nothing was written. Correct them and upload "
                "the file again."
            )
            % {"count": counts[REJECTED]}
        )
    todo = [r for r in analysis.rows if r.status in (NEW, UPDATED)]
    summary = {"kind": kind.name, "file": filename, "counts": counts}
    if progress:
        progress(90, _("Writing %(count)s records") % {"count": len(todo)})
    if todo:
        with transaction.atomic():
            kind.commit([r.payload for r in todo], analysis.ctx, summary=summary)
            audit.record(
                actor=user,
                action=f"import.{kind.name}",
                object_type="core.import",
                object_repr=(filename or kind.name)[:300],
                new=summary,
            )
    return summary
