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
