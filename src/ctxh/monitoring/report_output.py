"""A programme report's outputs, rendered from its snapshot only (never from the database):
the Excel workbook (:func:`render_xlsx`) and the inputs of the official PDF document
(:func:`pdf_inputs`, typst template ``monitoring:report``).

Both are pure functions of the snapshot: rendering a report again years later gives the
same cells and the same document. The report is an official Vietnamese document: its
headers are Vietnamese whatever the reader's language (like the typst templates).
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from ctxh.core.exporting import safe_cell

#: The workbook's sheets, one per part (title, part key).
SHEETS = (
    ("Thông tin chung", "info"),
    ("Mạng lưới", "network"),
    ("Nhân lực", "workforce"),
    ("Đào tạo", "training"),
    ("Thực tập", "practicum"),
    ("Chỉ tiêu", "indicators"),
    ("Theo phường, xã", "wards"),
)


def _date(iso: str | None) -> str:
    return dt.date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""


# --- The parts as tables: (caption, headers, rows) ----------------------------------------


def _info(s: dict) -> list:
    rows = [
        ["Tiêu đề", s["title"]],
        ["Từ ngày", _date(s["start"])],
        ["Đến ngày", _date(s["end"])],
        ["Số liệu tính đến ngày", _date(s["as_of"])],
        ["Thời điểm lập", s["generated_at"]],
        ["Địa bàn", s.get("city", "")],
    ]
    return [("", ["Mục", "Nội dung"], rows)]


def _network(s: dict) -> list:
    n = s["network"]
    facilities = [[r["kind_label"], r["ownership_label"], r["count"]] for r in n["facilities"]]
    facilities.append(["Tổng cộng", "", n["facilities_total"]])
    summary = [
        ["Cơ sở trợ giúp xã hội đang hoạt động", n["facilities_total"]],
        ["Trong đó công lập", n["facilities_public"]],
        ["Cơ sở cung cấp dịch vụ công tác xã hội", n["providing_services"]],
        ["Tỷ lệ cơ sở cung cấp dịch vụ công tác xã hội (%)", n["providing_share"]],
        ["Số phường, xã của thành phố", n["wards_total"]],
        ["Phường, xã có UBND trong hệ thống", n["wards_with_office"]],
        ["Phường, xã có cơ sở trợ giúp xã hội", n["wards_with_facility"]],
    ]
    residents = [[r["label"], r["count"]] for r in n["residents_by_group"]]
    residents.append(["Tổng cộng", n["residents_total"]])
    return [
        ("Cơ sở trợ giúp xã hội theo loại hình và sở hữu", ["Loại hình", "Sở hữu", "Số cơ sở"],
         facilities),
        ("Tổng hợp mạng lưới", ["Chỉ tiêu", "Số liệu"], summary),
        (f"Đối tượng đang được chăm sóc, nuôi dưỡng (đến ngày {_date(n['residents_as_of'])})",
         ["Nhóm đối tượng", "Số người"], residents),
    ]  # fmt: skip


def _workforce(s: dict) -> list:
    w = s["workforce"]
    sectors = [[r["label"], r["count"], r["share"]] for r in w["by_sector"]]
    sectors.append(["Chưa gắn với cơ quan, đơn vị", w["without_organization"], None])
    sectors.append(["Tổng cộng", w["total"], 100.0 if w["total"] else None])
    kinds = [[r["label"], r["count"], r["share"]] for r in w["by_staff_type"]]
    coverage = [[c["label"], c["covered"], c["total"], c["percent"]] for c in w["coverage"]]
    return [
        ("Nhân lực công tác xã hội theo khối", ["Khối", "Số người", "Tỷ lệ (%)"], sectors),
        ("Theo loại nhân lực", ["Loại", "Số người", "Tỷ lệ (%)"], kinds),
        ("Độ bao phủ nhân lực (Quyết định 112/QĐ-TTg)",
         ["Chỉ tiêu", "Số đơn vị có nhân lực", "Tổng số đơn vị", "Tỷ lệ (%)"], coverage),
    ]  # fmt: skip


def _training(s: dict) -> list:
    t = s["training"]
    summary = [
        ["Số lớp", t["classes"]],
        ["Lượt người tham gia", t["participant_times"]],
        ["Số người (không trùng lặp)", t["people"]],
        ["Lượt người chưa xác định trong danh sách nhân lực", t["unidentified"]],
        ["Lượt người hoàn thành", t["completed"]],
    ]
    years = [
        [r["year"], r["classes"], r["participant_times"], r["people"], r["completed"]]
        for r in t["by_year"]
    ]
    tr = t["trained"]
    trained = [[r["label"], r["trained"], r["total"], r["percent"]] for r in t["trained_by_sector"]]
    trained.append(["Toàn bộ nhân lực", tr["trained"], tr["total"], tr["percent"]])
    return [
        ("Đào tạo, bồi dưỡng trong kỳ", ["Chỉ tiêu", "Số liệu"], summary),
        ("Theo năm", ["Năm", "Số lớp", "Lượt người", "Số người", "Hoàn thành"], years),
        (f"Tỷ lệ nhân lực được đào tạo trong {tr['years']} năm (từ {_date(tr['since'])})",
         ["Khối", "Đã được đào tạo", "Tổng số", "Tỷ lệ (%)"], trained),
    ]  # fmt: skip


def _practicum(s: dict) -> list:
    p = s["practicum"]
    rows = [
        [r["name"], _date(r["starts_on"]), _date(r["ends_on"]), r["placed"], r["accepted"],
         r["completed"]]
        for r in p["periods"]
    ]  # fmt: skip
    rows.append(["Tổng cộng", "", "", p["placed"], p["accepted"], p["completed"]])
    headers = ["Kỳ thực tập", "Từ ngày", "Đến ngày", "Sinh viên được phân bổ",
               "Được tiếp nhận", "Hoàn thành"]  # fmt: skip
    return [("Sinh viên thực tập, thực hành theo kỳ", headers, rows)]


def _indicators(s: dict) -> list:
    year, final = s["year"], s["final_year"]
    rows = [
        [r["code"], r["name"], r["unit_label"], r["value"], r["target_year"], r["target_final"],
         r["light_label"]]
        for r in s["indicators"]
    ]  # fmt: skip
    headers = ["Mã", "Chỉ tiêu", "Đơn vị", f"Kết quả {year}", f"Mục tiêu {year}",
               f"Mục tiêu {final}", "Đánh giá"]  # fmt: skip
    return [(f"Kết quả các chỉ tiêu so với mục tiêu năm {year} và năm {final}", headers, rows)]


def _wards(s: dict) -> list:
    w = s["wards"]
    headers = ["Mã", "Phường, xã", *[i["name"] for i in w["indicators"]]]
    rows = [[r["code"], r["name"], *r["values"]] for r in w["rows"]]
    return [(f"Chỉ tiêu theo phường, xã năm {s['year']}", headers, rows)]


PARTS = {
    "info": _info,
    "network": _network,
    "workforce": _workforce,
    "training": _training,
    "practicum": _practicum,
    "indicators": _indicators,
    "wards": _wards,
}


def tables(snapshot: dict, part: str) -> list[tuple[str, list[str], list[list]]]:
    """The tables of one part of the report: (caption, headers, rows), values as stored."""
    return PARTS[part](snapshot)


# --- Excel ---------------------------------------------------------------------------------


def render_xlsx(snapshot: dict) -> bytes:
    """The report's workbook: one sheet per part, each table under its caption with bold
    Vietnamese headers, numbers as numbers (an unknown figure is an empty cell)."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    # The file's own dates: the report's, so that the file does not depend on when it
    # was rendered.
    generated = dt.datetime.fromisoformat(snapshot["generated_at"]).replace(tzinfo=None)
    wb.properties.created = wb.properties.modified = generated
    wb.properties.title = snapshot["title"]
    for title, part in SHEETS:
        ws = wb.create_sheet(title=title[:31])
        row = 1
        widths: dict[int, int] = {}
        for caption, headers, rows in tables(snapshot, part):
            if caption:
                ws.cell(row=row, column=1, value=safe_cell(caption)).font = bold
                row += 1
            for col, header in enumerate(headers, start=1):
                ws.cell(row=row, column=col, value=safe_cell(header)).font = bold
                widths[col] = max(widths.get(col, 0), len(str(header)))
            row += 1
            for values in rows:
                for col, value in enumerate(values, start=1):
                    ws.cell(row=row, column=col, value=safe_cell(value))
                    widths[col] = max(widths.get(col, 0), len(str(value or "")))
                row += 1
            row += 1  # a blank line between tables
        for col, width in widths.items():
            ws.column_dimensions[ws.cell(row=1, column=col).column_letter].width = min(
                60, max(10, width + 2)
            )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- The PDF's inputs ----------------------------------------------------------------------


def vn_number(value, *, decimals: int | None = None) -> str:
    """23.912; 45,5 (a decimal comma); "—" when unknown."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        return value
    number = float(value)
    if decimals is None:
        decimals = 0 if number == int(number) else 1
    text = f"{number:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def _figure(value, unit: str = "") -> str:
    if unit == "percent":
        return "—" if value is None else vn_number(value, decimals=1) + " %"
    return vn_number(value)


def _text_rows(rows: list[list], percent_columns: tuple[int, ...] = ()) -> list[list[str]]:
    return [
        [
            _figure(v, "percent")
            if i in percent_columns
            else (v if isinstance(v, str) else vn_number(v))
            for i, v in enumerate(row)
        ]
        for row in rows
    ]


def pdf_inputs(snapshot: dict) -> dict:
    """What the document ``monitoring:report`` prints, as text (Vietnamese formats): the
    introduction, then each part's tables. Stored with the document, so its PDF renders
    identically later."""
    s = snapshot
    n, w, t, p = s["network"], s["workforce"], s["training"], s["practicum"]
    period = (
        f"năm {s['year']}"
        if s["kind"] == "annual"
        else f"từ ngày {_date(s['start'])} đến ngày {_date(s['end'])}"
    )
    intro = (
        f"Thực hiện Chương trình phát triển công tác xã hội giai đoạn 2021 – 2030 "
        f"(Quyết định số 112/QĐ-TTg ngày 22/01/2021 của Thủ tướng Chính phủ), cơ quan thường "
        f"trực báo cáo kết quả thực hiện {period} trên địa bàn {s.get('city') or 'thành phố'} "
        f"như sau (số liệu tổng hợp đến ngày {_date(s['as_of'])})."
    )

    def table(part: str, index: int, percent_columns=(), widths=None) -> dict:
        caption, headers, rows = tables(s, part)[index]
        return {
            "caption": caption,
            "headers": headers,
            "rows": _text_rows(rows, percent_columns),
            "widths": widths or [],
        }

    indicators = [
        [r["name"], _figure(r["value"], r["unit"]), _figure(r["target_year"], r["unit"]),
         _figure(r["target_final"], r["unit"]), r["light_label"] or "—"]
        for r in s["indicators"]
    ]  # fmt: skip
    sections = [
        {
            "title": "I. MẠNG LƯỚI CƠ SỞ CUNG CẤP DỊCH VỤ",
            "text": (
                f"Toàn thành phố có {vn_number(n['facilities_total'])} cơ sở trợ giúp xã hội "
                f"đang hoạt động, trong đó {vn_number(n['providing_services'])} cơ sở cung cấp "
                f"dịch vụ công tác xã hội ({_figure(n['providing_share'], 'percent')}); "
                f"{vn_number(n['residents_total'])} đối tượng đang được chăm sóc, nuôi dưỡng."
            ),
            "tables": [table("network", 0), table("network", 2)],
        },
        {
            "title": "II. NHÂN LỰC CÔNG TÁC XÃ HỘI",
            "text": f"Tổng số nhân lực công tác xã hội: {vn_number(w['total'])} người.",
            "tables": [table("workforce", 0, (2,)), table("workforce", 2, (3,))],
        },
        {
            "title": "III. ĐÀO TẠO, BỒI DƯỠNG",
            "text": (
                f"Trong kỳ đã tổ chức {vn_number(t['classes'])} lớp với "
                f"{vn_number(t['participant_times'])} lượt người ({vn_number(t['people'])} "
                f"người); tỷ lệ nhân lực được đào tạo trong {t['trained']['years']} năm gần "
                f"nhất: {_figure(t['trained']['percent'], 'percent')}."
            ),
            "tables": [table("training", 1), table("training", 2, (3,))],
        },
        {
            "title": "IV. THỰC TẬP, THỰC HÀNH CỦA SINH VIÊN",
            "text": (
                f"Trong kỳ có {vn_number(p['placed'])} sinh viên được phân bổ, "
                f"{vn_number(p['accepted'])} sinh viên được cơ sở tiếp nhận và "
                f"{vn_number(p['completed'])} sinh viên hoàn thành thực tập."
            ),
            "tables": [table("practicum", 0)],
        },
        {
            "title": "V. KẾT QUẢ CÁC CHỈ TIÊU SO VỚI MỤC TIÊU",
            "text": "",
            "tables": [
                {
                    "caption": f"Mục tiêu năm {s['year']} và năm {s['final_year']}",
                    "headers": ["Chỉ tiêu", f"Kết quả {s['year']}", f"Mục tiêu {s['year']}",
                                f"Mục tiêu {s['final_year']}", "Đánh giá"],
                    "rows": indicators,
                    "widths": [],
                }
            ],
        },
    ]  # fmt: skip
    return {
        "subtitle": "",
        "recipients": ["Ủy ban nhân dân Thành phố (để báo cáo)", "Các sở, ban, ngành liên quan"],
        "intro": intro,
        "sections": sections,
    }
