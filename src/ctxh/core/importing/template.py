"""The downloadable Excel template of a kind: instructions, headers, drop-down lists.

Sheet "Hướng dẫn" explains each column (required or not, an example, allowed values); the
data sheet has only the headers (the example stays on the instructions sheet, so it is
never imported by mistake), text format on code columns (so leading zeros survive),
dd/mm/yyyy on date columns and a drop-down (data validation) on every column with a list
of values. Long lists (168 wards) live on a hidden "Danh mục" sheet and the drop-down
points at its range, because Excel limits an inline list to 255 characters.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from .reader import INSTRUCTIONS_SHEET, max_rows
from .spec import ImportKind

LISTS_SHEET = "Danh mục"
DATA_ROWS = 5000  # rows that carry the drop-downs and formats

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


def build_template(kind: ImportKind) -> bytes:
    """The .xlsx template of ``kind``."""
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
    for text in GENERAL_INSTRUCTIONS + list(kind.instructions):
        info.cell(
            line,
            1,
            "• " + text.format(sheet=data.title, max_rows=f"{max_rows():,}".replace(",", ".")),
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
            for row in range(2, DATA_ROWS + 2):
                data.cell(row, index).number_format = column.number_format
        if column.choices:
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
    wb.active = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
