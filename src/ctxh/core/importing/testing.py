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


NS = "http://schemas.openxmlformats.org"
MAIN = f"{NS}/spreadsheetml/2006/main"


def sheet_xml(headers: list, rows, *, dimension: str | None = "auto") -> str:
    """A worksheet part with inline strings; ``dimension``: "auto" (the real size), a
    reference to declare ("A1:C3", "A1") or None (no ``<dimension>``)."""
    from xml.sax.saxutils import escape

    from openpyxl.utils import get_column_letter

    rows = list(rows)
    width = max([len(headers), *(len(r) for r in rows)])

    def cell(ref, value):
        if value is None:
            return ""
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    def row_xml(number, values):
        cells = "".join(
            cell(f"{get_column_letter(i)}{number}", v) for i, v in enumerate(values, start=1)
        )
        return f'<row r="{number}">{cells}</row>'

    body = "".join(row_xml(n, r) for n, r in enumerate([headers, *rows], start=1))
    if dimension == "auto":
        dimension = f"A1:{get_column_letter(width)}{len(rows) + 1}"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f"{dim}<sheetData>{body}</sheetData></worksheet>"
    )


def workbook_parts(sheets: list[tuple[str, str, str]], *, shared: str | None = None) -> dict:
    """The parts of a workbook: ``sheets`` is a list of (title, state, worksheet XML);
    ``shared`` the XML of a shared strings part, if any."""
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{NS}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    if shared is not None:
        rels += f'<Relationship Id="rIdS" Type="{NS}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    entries = "".join(
        f'<sheet name="{title}" sheetId="{i}" state="{state}" r:id="rId{i}"/>'
        for i, (title, state, _xml) in enumerate(sheets, start=1)
    )
    parts = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{NS}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{types}</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{NS}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{NS}/officeDocument/2006/relationships"><sheets>{entries}</sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{NS}/package/2006/relationships">'
            f"{rels}</Relationships>"
        ),
    }
    for i, (_title, _state, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    return parts


def raw_xlsx(path: Path, headers: list[str], rows, *, dimension: bool = True) -> Path:
    """A minimal .xlsx written directly (inline strings), fast enough for 200,000 rows.

    ``rows`` is an iterable of lists of strings; with ``dimension`` the sheet announces its
    size, as Excel does.
    """
    xml = sheet_xml(headers, rows, dimension="auto" if dimension else None)
    return write_zip(path, workbook_parts([("Du lieu", "visible", xml)]))


class Repeated:
    """A huge part made of ``head``, ``block`` × ``times`` and ``tail``, compressed without
    ever being held whole: the block is deflated once and its output repeated (a full
    flush resets the compressor, so each copy is the same bytes). Makes gigabyte bombs in
    a second."""

    def __init__(self, head: bytes, block: bytes, times: int, tail: bytes):
        self.head, self.block, self.times, self.tail = head, block, times, tail

    def deflate(self) -> tuple[bytes, int, int]:
        """(compressed bytes, CRC-32, uncompressed size)."""
        import zlib

        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        head = c.compress(self.head) + c.flush(zlib.Z_FULL_FLUSH)
        once = c.compress(self.block) + c.flush(zlib.Z_FULL_FLUSH)
        again = c.compress(self.block) + c.flush(zlib.Z_FULL_FLUSH)
        assert once == again
        tail = c.compress(self.tail) + c.flush()
        crc = zlib.crc32(self.head)
        for _i in range(self.times):
            crc = zlib.crc32(self.block, crc)
        crc = zlib.crc32(self.tail, crc)
        size = len(self.head) + len(self.block) * self.times + len(self.tail)
        return head + once * self.times + tail, crc, size


def write_zip(path: Path, parts: dict, *, declared: dict | None = None, corrupt: str = "") -> Path:
    """Write ``parts`` (name → text, bytes or :class:`Repeated`) as a zip archive by hand,
    so a test can make what zipfile refuses to: ``declared`` gives a part a false
    uncompressed size in its headers (a lying header), ``corrupt`` names a part whose
    CRC is made wrong."""
    import struct
    import zlib

    declared = declared or {}
    central, offset = [], 0
    with open(path, "wb") as out:
        for name, content in parts.items():
            if isinstance(content, Repeated):
                data, crc, size = content.deflate()
            else:
                raw = content.encode() if isinstance(content, str) else content
                c = zlib.compressobj(6, zlib.DEFLATED, -15)
                data, crc, size = c.compress(raw) + c.flush(), zlib.crc32(raw), len(raw)
            if name == corrupt:
                crc ^= 0xFFFF
            size = declared.get(name, size)
            encoded = name.encode()
            fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded)
            out.write(data)
            central.append(
                struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset)
                + encoded
            )
            offset += 30 + len(encoded) + len(data)
        directory = b"".join(central)
        out.write(directory)
        out.write(
            struct.pack(
                "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory), offset, 0
            )
        )
    return path


def _nearly_compressible(size: int, seed: int = 7) -> bytes:
    """``size`` bytes of XML-safe text that deflate compresses about 150 times: just under
    the reader's ratio limit, so a member made of it is parsed, not refused."""
    import random

    rng = random.Random(seed)
    noise = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _i in range(size // 100))
    return (noise + "x" * (size - len(noise))).encode()


def worst_cases(folder: Path, headers: list[str], *, only: str = "") -> dict[str, Path]:
    """The hostile workbooks that pass the archive checks and must be bounded while they
    are read (memory, time): each expands to about 390 MB from an archive of 2–3 MB."""
    folder.mkdir(parents=True, exist_ok=True)
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"
    header_row = (
        sheet_xml(headers, [], dimension=None).split("<sheetData>")[1].split("</sheetData>")[0]
    )
    block = _nearly_compressible(1024 * 1024)
    cases = {}

    def book(name, sheet, shared=None):
        if only and name != only:
            return
        parts = workbook_parts([("Du lieu", "visible", "")], shared=shared)
        parts["xl/worksheets/sheet1.xml"] = sheet
        cases[name] = write_zip(folder / f"{name}.xlsx", parts)

    cell = b'<c r="B2" t="inlineStr"><is><t>'
    book(
        "one-390-mb-cell",
        Repeated(
            head + header_row.encode() + b'<row r="2">' + cell,
            block,
            390,
            b"</t></is></c></row>" + tail,
        ),
    )
    book(
        "a-header-row-of-huge-cells",
        Repeated(
            head + b'<row r="1">',
            b'<c t="inlineStr"><is><t>' + block + b"</t></is></c>",
            390,
            b"</row>" + tail,
        ),
    )
    row = b'<row><c r="A1" t="inlineStr"><is><t>C</t></is></c><c r="B1" t="inlineStr"><is><t>'
    book(
        "390-rows-of-1-mb",
        Repeated(head + header_row.encode(), row + block + b"</t></is></c></row>", 390, tail),
    )
    shared_head = f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode()
    import random

    rng = random.Random(3)
    letters = [f"{a}{b}".encode() for a in "abcdefghij" for b in "abcdefghij"]
    count = 1_100_000 if only in ("", "a-million-shared-strings") else 0
    strings = b"".join(b"<si><t>" + rng.choice(letters) + b"</t></si>" for _i in range(count))
    book(
        "a-million-shared-strings",
        head + header_row.encode() + tail,
        shared=shared_head + strings + b"</sst>",
    )
    return cases
