"""Direct Excel/CSV downloads of the organisation list: filtered, scoped, neutralised."""

import csv
import io

import pytest
from openpyxl import load_workbook

from ctxh.core.exporting import csv_lines, safe_cell
from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import assert_view_permissions, client_for

pytestmark = pytest.mark.django_db


def _csv_rows(response):
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel reads the accents as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_is_streamed_filtered_and_neutralised(programme_user, facility_a):
    OrganizationFactory(code="HACK", name="=cmd|' /C calc'!A0", kind="ngo")
    OrganizationFactory(code="DEP-1", name="Sở Giáo dục", kind="department")
    response = client_for(programme_user).get("/organizations/export.csv?kind=ngo")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert rows[0][0] == "Mã"
    assert [r[0] for r in rows[1:]] == ["HACK"]
    assert rows[1][1] == "'=cmd|' /C calc'!A0"


def test_xlsx_keeps_the_search_filter(programme_user, facility_a, tmp_path):
    OrganizationFactory(code="ORG-X", name="Hội Liên hiệp Phụ nữ", kind="association")
    response = client_for(programme_user).get("/organizations/export.xlsx?q=phu+nu")
    assert response.status_code == 200
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã"
    assert [r[0] for r in rows[1:]] == ["ORG-X"]


def test_exports_are_scoped(manager_a, facility_b):
    rows = _csv_rows(client_for(manager_a).get("/organizations/export.csv"))
    assert [r[0] for r in rows[1:]] == ["FAC-A"]  # never FAC-B


def test_export_permissions(programme_user):
    for url in ("/organizations/export.csv", "/organizations/export.xlsx"):
        assert_view_permissions(url, allowed=programme_user)


def test_list_page_links_keep_the_filters(programme_user):
    page = client_for(programme_user).get("/organizations/?kind=ngo").content.decode()
    assert "/organizations/export.xlsx?kind=ngo" in page
    assert "/organizations/export.csv?kind=ngo" in page


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_dangerous_prefix_is_neutralised(value):
    assert safe_cell(value) == "'" + value
    text = "".join(csv_lines(["a"], [[value]]))
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1] == ["'" + value]


def test_the_streamed_workbook_reads_back_with_types(tmp_path):
    import datetime as dt
    from decimal import Decimal

    from ctxh.core.exporting import stream_xlsx

    rows = [
        ["Nguyễn Văn Ấn", dt.date(1990, 5, 17), 12, Decimal("10.5"), True, None, "=1+1"],
        [" lề ", dt.datetime(2024, 3, 25, 8, 30), -3, 0.25, False, "", "a\x01b<&>"],
    ]
    path = tmp_path / "s.xlsx"
    path.write_bytes(
        b"".join(
            stream_xlsx(
                ["Tên", "Ngày", "Số", "Thập phân", "Có", "Trống", "Công thức"],
                rows,
                sheet_title="Thử",
            )
        )
    )
    wb = load_workbook(path)
    ws = wb["Thử"]
    assert ws.freeze_panes == "A2" and ws["A1"].font.b
    assert [c.value for c in ws[2]] == [
        "Nguyễn Văn Ấn",
        dt.datetime(1990, 5, 17),
        12,
        10.5,
        True,
        None,
        "'=1+1",
    ]
    assert ws["B2"].number_format == "dd/mm/yyyy"
    assert ws["B3"].value == dt.datetime(2024, 3, 25, 8, 30)
    assert [ws["A3"].value, ws["C3"].value, ws["G3"].value] == [" lề ", -3, "ab<&>"]
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
