# ruff: noqa: E501 - the package XML of raw_xlsx reads best one part per line
"""Helpers for tests of imports: small workbooks made on the fly (no binary fixtures)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook


def xlsx(path: Path, headers: list, rows: list[list], *, title: str = "Du lieu") -> Path:
    """Write ``rows`` under ``headers`` into a one-sheet workbook at ``path``."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    if headers:
        ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def headers_of(kind) -> list[str]:
    return [c.header for c in kind.columns]


def raw_xlsx(path: Path, headers: list[str], rows, *, dimension: bool = True) -> Path:
    """A minimal .xlsx written directly (inline strings), fast enough for 200,000 rows.

    ``rows`` is an iterable of lists of strings; with ``dimension`` the sheet announces its
    size, as Excel does (a reader can then refuse it before reading a row).
    """
    import zipfile
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    rows = list(rows)
    width = len(headers)

    def row_xml(number, values):
        cells = "".join(
            f'<c r="{get_column_letter(i)}{number}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
            for i, v in enumerate(values, start=1)
        )
        return f'<row r="{number}">{cells}</row>'

    body = "".join(row_xml(n, r) for n, r in enumerate([headers, *rows], start=1))
    dim = f'<dimension ref="A1:{get_column_letter(width)}{len(rows) + 1}"/>' if dimension else ""
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            '<sheet name="Du lieu" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}/spreadsheetml/2006/main">'
            f"{dim}<sheetData>{body}</sheetData></worksheet>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return path
