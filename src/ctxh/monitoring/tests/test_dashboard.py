"""The dashboard and the ward table: figures in Vietnamese format, the records behind a
figure, the export read back, and a number of queries that does not grow with the data."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ctxh.monitoring.services.indicators import target_save
from ctxh.monitoring.templatetags.monitoring_figures import format_figure
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.testing import client_for
from ctxh.workforce.tests.factories import PersonFactory, employ

from .test_indicators import YEAR, world  # noqa: F401  (the small world fixture)

pytestmark = pytest.mark.django_db


def test_vietnamese_number_format():
    assert format_figure(23912, "people") == "23.912"
    assert format_figure(45.456, "percent") == "45,5 %"
    assert format_figure(None, "percent") == "—"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n: int) -> None:  # noqa: F811
    for i in range(n):
        office = OrganizationFactory(code=f"G-UB-{i}", kind="ward_office", ward=world.ward_b)
        facility = FacilityFactory(code=f"G-CS-{i}", ward=world.ward_b)
        for org in (office, facility):
            employ(PersonFactory(full_name=f"Phạm Văn {i}"), org)


def test_dashboard_shows_figures_targets_and_links(world):  # noqa: F811
    from ctxh.monitoring.models import Indicator

    indicator = Indicator.objects.get(code="wards_with_staff")
    target_save(by=world.programme, indicator=indicator, year=YEAR, value=55)
    client = client_for(world.viewer)
    response = client.get(reverse("monitoring:index"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-indicator="wards_with_staff"' in body
    assert "50,0 %" in body and "55,0 %" in body and "90,0 %" in body
    assert reverse("workforce:list") + "?sector=wards&amp;staff_type=staff" in body
    assert 'id="chart-shares"' in body and "<script>" not in body.split("chart-shares")[0][-200:]
    page = client.get(reverse("monitoring:indicator", args=[indicator.pk]))
    assert page.status_code == 200
    assert "Phường An" in page.content.decode()


def test_dashboard_and_ward_table_queries_do_not_grow(world):  # noqa: F811
    client = client_for(world.programme)
    urls = [
        reverse("monitoring:index"),
        reverse("monitoring:wards") + "?sort=facilities_with_staff",
    ]
    before = [_queries(client, url) for url in urls]
    _grow(world, 12)
    after = [_queries(client, url) for url in urls]
    assert after == before


def test_ward_table_export_reads_back(world):  # noqa: F811
    client = client_for(world.programme)
    response = client.get(reverse("monitoring:wards_export") + "?sort=wards_with_staff&order=asc")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    header = rows[0]
    column = next(i for i, h in enumerate(header) if "phường, xã có người" in str(h))
    assert [r[1] for r in rows[1:]] == ["Phường Bình", "Phường An"]
    assert [r[column] for r in rows[1:]] == [0, 100]


def test_target_form_refuses_a_year_outside_the_programme(world):  # noqa: F811
    from ctxh.monitoring.models import Indicator, Target

    indicator = Indicator.objects.get(code="wards_with_staff")
    client = client_for(world.programme)
    before = Target.objects.count()
    response = client.post(
        reverse("monitoring:target_edit", args=[indicator.pk]),
        {"year": 2035, "value": "50", "source": "qd112"},
    )
    assert response.status_code == 400
    assert "2021" in response.content.decode()
    assert Target.objects.count() == before
