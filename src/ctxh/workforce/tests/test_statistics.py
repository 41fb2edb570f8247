from decimal import Decimal

import pytest

from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import client_for
from ctxh.workforce.models import WorkforceTarget
from ctxh.workforce.selectors import workforce_statistics
from ctxh.workforce.tests.factories import PersonFactory, employ

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(wards, facility_a, facility_b, ward_office_a):
    """Two of the wards have an office; one has a staff member, the other a collaborator.
    Facility A has a staff member, facility B only a collaborator."""
    office_b = OrganizationFactory(code="UBND-B", kind="ward_office", ward=wards[1])
    employ(PersonFactory(professional_title="V.09.04.02"), ward_office_a)
    employ(PersonFactory(staff_type="collaborator"), office_b)
    employ(PersonFactory(education_level="master"), facility_a)
    employ(PersonFactory(staff_type="collaborator"), facility_b)
    PersonFactory()  # no current organisation
    return wards


def test_figures(city, programme_user):
    stats = workforce_statistics(user=programme_user)
    assert stats["total"] == 5
    assert stats["without_organization"] == 1
    by_sector = {row.label: row.count for row in stats["by_sector"]}
    assert list(by_sector.values()) == [2, 2, 0, 0, 0]
    titles = {row.label: row.count for row in stats["by_title"]}
    assert sum(titles.values()) == 5
    assert stats["by_title"][2].count == 1  # grade III
    wards, facilities = stats["coverage"]
    # Wards: 1 covered out of every ward of the province — Ho Chi Minh City's 168.
    assert (wards.covered, wards.total) == (1, 168)
    assert round(wards.percent, 2) == 0.60
    assert (facilities.covered, facilities.total) == (1, 2)
    assert facilities.percent == 50.0
    assert [(t.year, met) for t, met in facilities.status()] == [(2025, False), (2030, False)]


def test_targets_are_data(city, programme_user):
    WorkforceTarget.objects.filter(indicator="facilities_with_staff", year=2025).update(
        percent=Decimal("40")
    )
    facilities = workforce_statistics(user=programme_user)["coverage"][1]
    assert [(t.year, met) for t, met in facilities.status()] == [(2025, True), (2030, False)]


def test_page_shows_coverage_and_targets(city, programme_user):
    WorkforceTarget.objects.create(indicator="wards_with_staff", year=2028, percent=75)
    body = client_for(programme_user).get("/workforce/statistics/").content.decode()
    assert 'data-testid="coverage-facilities_with_staff"' in body
    assert "50,0%" in body or "50.0%" in body
    assert "2028" in body and "2030" in body
    assert 'data-testid="by-ward"' in body


def test_page_with_no_data(programme_user):
    response = client_for(programme_user).get("/workforce/statistics/")
    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["total"] == 0 and stats["without_organization"] == 0 and stats["by_ward"] == []
    assert [(c.covered, c.total, c.percent) for c in stats["coverage"]] == [(0, 0, 0.0)] * 2
    body = response.content.decode()
    assert 'data-testid="total">0<' in body
    assert body.count('data-testid="percent">0,0%<') == 2  # no division by zero
    assert "Chưa có dữ liệu." in body  # the empty ward table says so


def test_statistics_count_only_what_the_user_may(city, manager_a):
    """A role without the statistics action counts nobody (the selector takes the user)."""
    stats = workforce_statistics(user=manager_a)
    assert stats["total"] == 0
    assert stats["coverage"][1].covered == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_statistics_export_has_the_pages_tables_and_no_personal_data(fmt, city, programme_user):
    import csv
    import io

    from openpyxl import load_workbook

    person = PersonFactory(full_name="Đặng Thị Riêng", cccd="079190009876", phone="0907777777")
    response = client_for(programme_user).get(f"/workforce/statistics/export.{fmt}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
    assert rows[0] == ["Bảng", "Mục", "Số lượng", "Trên tổng số", "Tỉ lệ (%)", "Ghi chú"]
    assert rows[1][2] == "6"  # everyone, as on the page
    coverage = [r for r in rows if r[1] == "Cơ sở có nhân viên công tác xã hội"]
    assert coverage[0][2:5] == ["1", "2", "50.0"]
    sections = {r[0] for r in rows[1:]}
    assert {"Theo khối", "Theo trình độ", "Theo phường, xã của tổ chức"} <= sections
    text = "\n".join(",".join(r) for r in rows)
    for secret in (person.full_name, person.cccd, person.phone):
        assert secret not in text


def test_wards_with_as_many_people_are_in_vietnamese_order(programme_user, wards):
    from ctxh.geo.models import Ward

    named = {}
    for i, name in enumerate(("Phường Đa Kao", "Phường Bến Thành", "Phường Ăn Uống")):
        ward = wards[1 + i]
        Ward.objects.filter(pk=ward.pk).update(name=name)
        ward.refresh_from_db()
        ward.save()  # recompute sort_key
        named[name] = ward
        org = OrganizationFactory(code=f"ORG-{i}", kind="ward_office", ward=ward)
        employ(PersonFactory(), org)
    labels = [row.label for row in workforce_statistics(user=programme_user)["by_ward"]]
    assert labels == ["Phường Ăn Uống", "Phường Bến Thành", "Phường Đa Kao"]
