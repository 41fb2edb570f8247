"""Service-network pages: facilities list, map and its markers, headcount form, detail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from ctxh.core import panels
from ctxh.core.models import AuditEvent
from ctxh.organizations.models import ResidentCount, TargetGroup
from ctxh.organizations.services import headcount_submit
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.testing import assert_view_permissions, client_for, make_user

pytestmark = pytest.mark.django_db

JUNE = dt.date(2025, 6, 30)
DEC = dt.date(2025, 12, 31)


@pytest.fixture
def groups(db):
    return {g.code: g for g in TargetGroup.objects.all()}


@pytest.fixture
def network(facility_a, facility_b, groups, programme_user):
    """A with coordinates, social-work services, children+elderly; B without coordinates."""
    profile = facility_a.facility
    profile.latitude, profile.longitude = Decimal("10.780000"), Decimal("106.700000")
    profile.provides_social_work_services = True
    profile.save()
    profile.target_groups.set([groups["children"], groups["elderly"]])
    facility_b.facility.target_groups.set([groups["elderly"]])
    headcount_submit(
        by=programme_user,
        facility=facility_a,
        period_end=JUNE,
        counts={"children": 40, "elderly": 2},
    )
    headcount_submit(
        by=programme_user, facility=facility_a, period_end=DEC, counts={"children": 45}
    )
    headcount_submit(by=programme_user, facility=facility_b, period_end=JUNE, counts={"elderly": 9})
    return facility_a, facility_b


def no_role_user():
    return make_user()


# --- permissions of every new view -------------------------------------------------------


def test_facilities_and_map_permissions(programme_user, manager_a):
    for url in (
        "/organizations/facilities/",
        "/organizations/map/",
        "/organizations/map/data.json",
    ):
        assert_view_permissions(url, allowed=manager_a, forbidden_role=no_role_user())
        assert_view_permissions(url, allowed=programme_user)


def test_headcount_form_permissions(facility_a, manager_a, manager_b, student_a, programme_user):
    url = f"/organizations/{facility_a.pk}/headcount/"
    assert_view_permissions(
        url, allowed=manager_a, other_organization=manager_b, forbidden_role=student_a
    )
    assert_view_permissions(url, allowed=programme_user)
    ward_officer = make_user(
        "ward_officer", OrganizationFactory(code="UBND-Y", kind="ward_office", ward=facility_a.ward)
    )
    # sees the facility of its ward, but does not report for it
    assert client_for(ward_officer).get(f"/organizations/{facility_a.pk}/").status_code == 200
    assert client_for(ward_officer).get(url).status_code == 403


def test_headcount_form_of_a_non_facility_is_404(programme_user, agency):
    assert (
        client_for(programme_user).get(f"/organizations/{agency.pk}/headcount/").status_code == 404
    )


# --- facilities list ---------------------------------------------------------------------


def test_facilities_list_shows_facilities_only_with_city_total(network, programme_user, agency):
    page = client_for(programme_user).get("/organizations/facilities/").content.decode()
    assert "Nguyễn Trãi" in page and "Hoa Hồng" in page
    assert f'href="/organizations/{agency.pk}/"' not in page
    assert 'data-testid="count">2<' in page
    assert 'data-total="54"' in page  # A's December 45 + B's June 9
    assert 'data-residents="45"' in page and 'data-residents="9"' in page


def test_facilities_page_shows_the_decision_112_share(network, programme_user, manager_a):
    page = client_for(programme_user).get("/organizations/facilities/").content.decode()
    assert 'data-percent="50"' in page  # A provides social-work services, B does not
    page = client_for(manager_a).get("/organizations/facilities/").content.decode()
    assert 'data-percent="100"' in page


def test_facilities_total_as_of_a_date(network, programme_user):
    client = client_for(programme_user)
    page = client.get("/organizations/facilities/", {"as_of": "01/07/2025"}).content.decode()
    assert 'data-total="51"' in page  # A's June 42 + B's June 9
    assert 'data-residents="42"' in page
    page = client.get("/organizations/facilities/", {"as_of": "01/01/2025"}).content.decode()
    assert 'data-total="0"' in page
    for bad in ("31/02/2025", "abc", "2025-13-01"):
        response = client.get("/organizations/facilities/", {"as_of": bad})
        assert response.status_code == 200
        assert 'data-total="54"' in response.content.decode()  # falls back to today


def test_filtered_list_shows_the_residents_listed(network, programme_user):
    client = client_for(programme_user)
    page = client.get("/organizations/facilities/", {"social_work": "false"}).content.decode()
    assert 'data-total="54"' in page and 'data-listed="9"' in page
    page = client.get("/organizations/facilities/", {"as_of": "01/07/2025"}).content.decode()
    assert "data-listed" not in page  # the date alone narrows nothing


def test_facilities_total_is_scoped(network, manager_a):
    page = client_for(manager_a).get("/organizations/facilities/").content.decode()
    assert 'data-total="45"' in page and "Hoa Hồng" not in page


def test_facilities_filters(network, programme_user, ward_a, groups):
    client = client_for(programme_user)

    def names(**params):
        page = client.get("/organizations/facilities/", params).content.decode()
        return {n for n in ("Nguyễn Trãi", "Hoa Hồng") if n in page}

    assert names(social_work="true") == {"Nguyễn Trãi"}
    assert names(social_work="false") == {"Hoa Hồng"}
    assert names(target_group=groups["children"].pk) == {"Nguyễn Trãi"}
    assert names(ward=ward_a.pk) == {"Nguyễn Trãi"}
    assert names(q="hoa hong") == {"Hoa Hồng"}
    assert names(kind="private_facility") == set()
    assert names(ownership="public") == {"Nguyễn Trãi", "Hoa Hồng"}
    assert client.get("/organizations/facilities/", {"ward": "x", "kind": "zzz"}).status_code == 200
    response = client.get("/organizations/facilities/", {"sort": "-latest_residents"})
    body = response.content.decode()
    assert body.index("Nguyễn Trãi") < body.index("Hoa Hồng")
    body = client.get("/organizations/facilities/", {"sort": "latest_residents"}).content.decode()
    assert body.index("Hoa Hồng") < body.index("Nguyễn Trãi")


def test_facilities_empty_state(programme_user):
    page = client_for(programme_user).get("/organizations/facilities/", {"q": "khongco"})
    assert page.status_code == 200
    assert 'data-total="0"' in page.content.decode()


def test_organisation_list_filters_social_work(network, programme_user, agency):
    page = client_for(programme_user).get("/organizations/", {"social_work": "true"})
    body = page.content.decode()
    assert "Nguyễn Trãi" in body and "Hoa Hồng" not in body
    assert f'href="/organizations/{agency.pk}/"' not in body


def test_facilities_query_count_does_not_grow(programme_user, ward_a, groups):
    client = client_for(programme_user)

    def add(n):
        for fac in FacilityFactory.create_batch(n, ward=ward_a):
            fac.facility.target_groups.set([groups["children"], groups["poor"]])
            headcount_submit(
                by=programme_user, facility=fac, period_end=JUNE, counts={"children": 3, "poor": 1}
            )

    add(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/organizations/facilities/").status_code == 200
    add(30)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/organizations/facilities/").status_code == 200
    assert len(small) >= 5
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    with CaptureQueriesContext(connection) as markers:
        assert client.get("/organizations/map/data.json").status_code == 200
    assert len(markers) < 15


# --- map ------------------------------------------------------------------------------------


def test_map_markers_are_scoped_and_count_missing_coordinates(network, programme_user, manager_b):
    facility_a, facility_b = network
    data = client_for(programme_user).get("/organizations/map/data.json").json()
    assert [m["code"] for m in data["facilities"]] == [facility_a.code]
    assert data["missing"] == 1 and data["count"] == 1
    marker = data["facilities"][0]
    assert marker["lat"] == 10.78 and marker["residents"] == 45 and marker["social_work"] is True
    assert marker["url"] == f"/organizations/{facility_a.pk}/"
    data = client_for(manager_b).get("/organizations/map/data.json").json()
    assert data == {"facilities": [], "count": 0, "missing": 1}
    filtered = (
        client_for(programme_user)
        .get("/organizations/map/data.json", {"social_work": "false"})
        .json()
    )
    assert filtered["count"] == 0 and filtered["missing"] == 1


def test_map_page_lists_facilities_and_vendored_leaflet(network, programme_user):
    response = client_for(programme_user).get("/organizations/map/")
    body = response.content.decode()
    assert "vendor/leaflet/leaflet.js" in body and "ctxh/map.js" in body
    assert "unpkg" not in body and "cdn" not in body.lower()
    assert 'data-testid="missing-coordinates"' in body
    assert "Nguyễn Trãi" in body and "Hoa Hồng" in body  # the list works without tiles
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in body
    assert "<script>" not in body  # CSP: no inline scripts
    assert "https://tile.openstreetmap.org" in response["Content-Security-Policy"]


@override_settings(CTXH_MAP_TILE_URL="")
def test_map_page_without_tiles(network, programme_user):
    body = client_for(programme_user).get("/organizations/map/").content.decode()
    assert 'data-tile-url=""' in body and "Nguyễn Trãi" in body


def test_csp_is_built_from_the_tile_setting():
    from ctxh.settings import _tile_origin

    assert (
        _tile_origin("https://{s}.tile.example.vn/{z}/{x}/{y}.png") == " https://*.tile.example.vn"
    )
    assert _tile_origin("") == ""
    assert _tile_origin("/tiles/{z}/{x}/{y}.png") == ""


def test_vendored_leaflet_is_complete():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "static" / "vendor" / "leaflet"
    for name in (
        "leaflet.js",
        "leaflet.css",
        "LICENSE",
        "images/marker-icon.png",
        "images/layers.png",
    ):
        assert (root / name).is_file(), name
    assert "Leaflet" in (root / "leaflet.js").read_text()[:300]


# --- headcount form and detail page ------------------------------------------------------


def test_manager_submits_a_headcount(facility_a, manager_a, groups):
    facility_a.facility.target_groups.set([groups["children"], groups["elderly"]])
    client = client_for(manager_a)
    url = f"/organizations/{facility_a.pk}/headcount/"
    form = client.get(url).content.decode()
    assert 'name="group_children"' in form and 'name="group_hiv"' in form
    response = client.post(
        url,
        {
            "period_end": "30/06/2025",
            "group_children": "31",
            "group_elderly": "0",
            "note": "Quý II",
        },
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/organizations/{facility_a.pk}/"
    )
    rows = dict(
        ResidentCount.objects.filter(facility=facility_a).values_list("target_group__code", "count")
    )
    assert rows == {"children": 31, "elderly": 0}
    assert AuditEvent.objects.filter(action="headcount.submit", source="web").count() == 1
    # the form now starts from the latest figures
    form = client.get(url).content.decode()
    assert 'value="31"' in form


def test_headcount_form_errors_not_500(facility_a, manager_a, groups):
    facility_a.facility.target_groups.set([groups["children"]])
    client = client_for(manager_a)
    url = f"/organizations/{facility_a.pk}/headcount/"
    future = (dt.date.today() + dt.timedelta(days=40)).strftime("%d/%m/%Y")
    for data in (
        {"period_end": "31/02/2025", "group_children": "3"},
        {"period_end": future, "group_children": "3"},
        {"period_end": "30/06/2025", "group_children": "-3"},
        {"period_end": "30/06/2025", "group_children": ""},
        {"period_end": "30/06/2025", "group_children": "abc"},
        {"period_end": "30/06/2025", "group_children": "1", "group_hiv": "-1"},
        {},
    ):
        response = client.post(url, data)
        assert response.status_code == 200, data
        assert "invalid-feedback" in response.content.decode(), data
    assert ResidentCount.objects.count() == 0


def test_detail_shows_history_and_submit_button(network, programme_user, manager_b, student_a):
    facility_a, _b = network
    headcount_submit(
        by=programme_user, facility=facility_a, period_end=JUNE, counts={"children": 41}
    )
    body = client_for(programme_user).get(f"/organizations/{facility_a.pk}/").content.decode()
    assert 'data-testid="headcounts"' in body and 'data-testid="submit-headcount"' in body
    assert 'data-period="2025-12-31"' in body and 'data-period="2025-06-30"' in body
    assert 'data-period-total="45"' in body and 'data-period-total="43"' in body
    assert body.index('data-period="2025-12-31"') < body.index('data-period="2025-06-30"')
    assert "<details>" in body  # the corrected June figure is kept and shown
    # a field instructor of the facility sees the history but cannot submit
    instructor = make_user("field_instructor", facility_a)
    body = client_for(instructor).get(f"/organizations/{facility_a.pk}/").content.decode()
    assert 'data-period-total="45"' in body and "submit-headcount" not in body


def test_detail_of_a_non_facility_has_no_headcount(programme_user, agency):
    body = client_for(programme_user).get(f"/organizations/{agency.pk}/").content.decode()
    assert 'data-testid="headcounts"' not in body


def test_panels_registered_by_other_apps_render_on_detail(facility_a, programme_user, manager_a):
    def context(request, org):
        if not org.is_facility or request.user != programme_user:
            return None
        return {"extra": "STAFF-PANEL-MARKER"}

    panels.register(
        "organization_detail",
        panels.Panel(
            key="test-staff",
            title="Staff",
            template="organizations/_target_groups_cell.html",
            context=context,
        ),
    )
    try:
        body = client_for(programme_user).get(f"/organizations/{facility_a.pk}/").content.decode()
        assert 'data-testid="panel-test-staff"' in body
        body = client_for(manager_a).get(f"/organizations/{facility_a.pk}/").content.decode()
        assert 'data-testid="panel-test-staff"' not in body
    finally:
        panels.unregister("organization_detail", "test-staff")
