"""The downloadable Excel template of a kind: instructions, headers, drop-down lists.

Sheet "Hướng dẫn" explains each column (required or not, an example, allowed values); the
data sheet has only the headers (the example stays on the instructions sheet, so it is
never imported by mistake), text format on code columns (so leading zeros survive),
dd/mm/yyyy on date columns and a drop-down (data validation) on every column with a list
of values. Long lists (168 wards) live on a hidden "Danh mục" sheet and the drop-down
points at its range, because Excel limits an inline list to 255 characters. A kind whose
rows name an organisation gets a sheet "Mã tổ chức" listing the codes and names the user
downloading it may use (:meth:`ImportKind.organizations`), and its code columns offer them.

Formats are set on the columns (a column style, which Excel and LibreOffice give to every
cell typed there), and each drop-down is one data validation over a range: the workbook
holds no empty formatted cells, so it is made in a fraction of a second.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .reader import CODES_SHEET, INSTRUCTIONS_SHEET, LISTS_SHEET, max_rows
from .spec import ImportKind

DATA_ROWS = 5000  # rows that carry the drop-downs

GENERAL_INSTRUCTIONS = [
    "Nhập dữ liệu vào trang tính “{sheet}”, mỗi dòng một bản ghi, bắt đầu từ dòng 2.",
    "Không đổi tên, không xoá các tiêu đề cột ở dòng 1. Cột có dấu * là bắt buộc.",
    "Ngày ghi theo dạng dd/mm/yyyy (ví dụ 25/03/2024), hoặc dd-mm-yyyy, dd.mm.yyyy, "
    "hoặc ô kiểu ngày của Excel.",
    "Không dùng công thức: hãy nhập giá trị. Ô có công thức sẽ bị từ chối.",
    "Ô để trống ở cột không bắt buộc: giữ nguyên giá trị đang có trong hệ thống.",
    "Tối đa {max_rows} dòng mỗi tệp. Cột “Ví dụ” bên dưới cho thấy một dòng hợp lệ.",
    "Hệ thống kiểm tra toàn bộ tệp trước: nếu có dòng lỗi thì không ghi gì cả; tải tệp "
    "các dòng lỗi (cột “Lỗi”), sửa rồi tải lên lại. Tải lên lại cùng một tệp không thay "
    "đổi gì.",
]

CODES_INSTRUCTION = (
    "Mã tổ chức: dùng các mã ở trang tính “{codes}” (những tổ chức bạn được nhập dữ liệu)."
)


def build_template(kind: ImportKind, *, user=None) -> bytes:
    """The .xlsx template of ``kind``; with ``user``, the organisation codes they may use."""
    codes = kind.organizations(user) if user is not None else []
    wb = Workbook()
    info = wb.active
    info.title = INSTRUCTIONS_SHEET
    data = wb.create_sheet(kind.sheet_title[:31])
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    bold = Font(bold=True)

    info["A1"] = f"Mẫu nhập: {kind.title}"
    info["A1"].font = Font(bold=True, size=14)
    line = 3
    extra = [CODES_INSTRUCTION] if codes else []
    for text in GENERAL_INSTRUCTIONS + list(kind.instructions) + extra:
        info.cell(
            line,
            1,
            "• "
            + text.format(
                sheet=data.title, codes=CODES_SHEET, max_rows=f"{max_rows():,}".replace(",", ".")
            ),
        )
        line += 1
    line += 1
    for col, title in enumerate(("Cột", "Bắt buộc", "Ví dụ", "Hướng dẫn"), start=1):
        info.cell(line, col, title).font = bold
    example = kind.example_row()
    for index, column in enumerate(kind.columns):
        line += 1
        info.cell(line, 1, column.label)
        info.cell(line, 2, "Có" if column.required else "")
        info.cell(line, 3, example[index] if index < len(example) else None)
        info.cell(line, 4, column.help).alignment = Alignment(wrap_text=True)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 10
    info.column_dimensions["C"].width = 24
    info.column_dimensions["D"].width = 90

    header_fill = PatternFill("solid", fgColor="DDEBF7")
    list_col = 0
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(1, index, column.header)
        cell.font = bold
        cell.fill = header_fill
        data.column_dimensions[letter].width = max(column.width, len(column.header) + 2)
        if column.number_format:
            data.column_dimensions[letter].number_format = column.number_format
        if codes and column.key in kind.organization_keys:
            ref = f"{quote_sheetname(CODES_SHEET)}!$A$2:$A${len(codes) + 1}"
        elif column.choices:
            values = column.choices()
            if not values:
                continue
            list_col += 1
            list_letter = get_column_letter(list_col)
            lists.cell(1, list_col, column.label)
            for offset, value in enumerate(values, start=2):
                lists.cell(offset, list_col, value)
            ref = (
                f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$2:${list_letter}${len(values) + 1}"
            )
        else:
            continue
        validation = DataValidation(
            type="list",
            formula1=ref,
            allow_blank=not column.required,
            showErrorMessage=False,  # a warning only: typing a name without accents is fine
        )
        validation.promptTitle = column.label[:32]
        validation.prompt = "Chọn trong danh sách"
        data.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{DATA_ROWS + 1}")
    data.freeze_panes = "A2"
    if codes:
        _codes_sheet(wb, codes)
    wb.active = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _codes_sheet(wb: Workbook, codes: list[tuple[str, str]]) -> None:
    """The sheet "Mã tổ chức": the codes and names of the organisations the user may use."""
    sheet = wb.create_sheet(CODES_SHEET)
    bold = Font(bold=True)
    for col, title in enumerate(("Mã", "Tên tổ chức"), start=1):
        sheet.cell(1, col, title).font = bold
    for row, (code, name) in enumerate(codes, start=2):
        sheet.cell(row, 1, code)
        sheet.cell(row, 2, name)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["A"].number_format = "@"
    sheet.column_dimensions["B"].width = 70
    sheet.freeze_panes = "A2"
