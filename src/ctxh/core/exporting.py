"""Writing lists to Excel and CSV safely.

A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab/CR) would run as a formula
when a user opens the file; :func:`safe_cell` neutralises it with a leading apostrophe.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.styles import Font

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value that a spreadsheet will show, never evaluate."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def write_xlsx(
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    total: int,
    progress: Callable[[int, str], None] | None = None,
    sheet_title: str = "Data",
) -> bytes:
    """An .xlsx file (write-only mode: constant memory) of ``rows`` under ``headers``."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=str(h))
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    for i, row in enumerate(rows, start=1):
        ws.append([safe_cell(v) for v in row])
        if progress and (i % 500 == 0 or i == total):
            progress(int(90 * i / max(total, 1)), "")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
