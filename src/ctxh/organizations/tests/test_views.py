import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ctxh.core.models import AuditEvent
from ctxh.organizations.models import Organization
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.testing import assert_view_permissions, client_for, make_user

pytestmark = pytest.mark.django_db


def test_list_permissions(programme_user, manager_a):
    assert_view_permissions("/organizations/", allowed=manager_a)
    assert_view_permissions("/organizations/", allowed=programme_user)


def test_detail_permissions(facility_a, manager_a, manager_b, programme_user):
    url = f"/organizations/{facility_a.pk}/"
    assert_view_permissions(url, allowed=manager_a, other_organization=manager_b)
    assert_view_permissions(url, allowed=programme_user)


def test_edit_permissions(facility_a, manager_a, manager_b, student_a):
    url = f"/organizations/{facility_a.pk}/edit/"
    assert_view_permissions(
        url, allowed=manager_a, other_organization=manager_b, forbidden_role=student_a
    )


def test_create_permissions(programme_user, manager_a):
    assert_view_permissions("/organizations/new/", allowed=programme_user, forbidden_role=manager_a)


def test_unknown_id_is_404_like_a_foreign_one(manager_a):
    assert client_for(manager_a).get("/organizations/987654/").status_code == 404


def test_search_is_accent_insensitive(programme_user, facility_a, facility_b):
    client = client_for(programme_user)
    for query in ("nguyen trai", "NGUYỄN TRÃI", "bao tro nguyen"):
        page = client.get("/organizations/", {"q": query}).content.decode()
        assert "Nguyễn Trãi" in page, query
        assert "Hoa Hồng" not in page
    page = client.get("/organizations/", {"q": "hoa hong"}).content.decode()
    assert "Hoa Hồng" in page


def test_d_matches_dj(programme_user):
    OrganizationFactory(code="DD", name="Hội Đoàn Kết")
    page = client_for(programme_user).get("/organizations/", {"q": "doan ket"})
    assert "Hội Đoàn Kết" in page.content.decode()


def test_empty_state(programme_user):
    page = client_for(programme_user).get("/organizations/", {"q": "khongtontai"})
    assert "Không có tổ chức nào" in page.content.decode()


def test_list_query_count_does_not_grow_with_rows(programme_user, ward_a):
    client = client_for(programme_user)
    FacilityFactory.create_batch(3, ward=ward_a)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/organizations/").status_code == 200
    FacilityFactory.create_batch(40, ward=ward_a)
    OrganizationFactory.create_batch(20)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/organizations/").status_code == 200
    assert len(small) >= 3  # the capture really saw the page's queries
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_programme_office_creates_a_facility(programme_user, ward_a):
    client = client_for(programme_user)
    response = client.post(
        "/organizations/new/",
        {
            "code": "CS-NEW",
            "name": "Mái ấm Bình Minh",
            "kind": "private_facility",
            "ownership": "non_public",
            "ward": ward_a.pk,
            "active": "on",
            "facility-capacity": "45",
            "facility-licence_date": "15/03/2024",
            "facility-target_groups": [],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    org = Organization.objects.get(code="CS-NEW")
    assert org.facility.capacity == 45
    assert org.facility.licence_date.isoformat() == "2024-03-15"
    assert AuditEvent.objects.filter(action="organization.create", object_id=str(org.pk)).exists()


def test_bad_input_shows_field_errors_not_500(programme_user, facility_a):
    client = client_for(programme_user)
    response = client.post(
        "/organizations/new/",
        {
            "code": "bad code",
            "name": "",
            "kind": "public_facility",
            "ownership": "public",
            "email": "not-an-email",
            "facility-capacity": "-3",
            "facility-licence_date": "31/02/2024",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("invalid-feedback") >= 4
    response = client.post(
        "/organizations/new/",
        {"code": facility_a.code, "name": "x", "kind": "department", "ownership": "public"},
    )
    assert response.status_code == 200 and "đã tồn tại" in response.content.decode()


def test_facility_manager_edits_own_but_not_what_it_is(facility_a, manager_a):
    client = client_for(manager_a)
    form = client.get(f"/organizations/{facility_a.pk}/edit/").content.decode()
    assert 'name="kind"' not in form and 'name="code"' not in form
    response = client.post(
        f"/organizations/{facility_a.pk}/edit/",
        {
            "name": facility_a.name,
            "phone": "028 3812 3456",
            "kind": "school",
            "facility-capacity": "150",
        },
    )
    assert response.status_code == 302
    facility_a.refresh_from_db()
    assert facility_a.phone == "028 3812 3456"
    assert facility_a.kind == "public_facility"
    assert facility_a.facility.capacity == 150


def test_service_refuses_restricted_change_by_a_manager(facility_a, manager_a):
    from django.core.exceptions import PermissionDenied

    from ctxh.organizations.services import organization_update

    with pytest.raises(PermissionDenied):
        organization_update(organization=facility_a, by=manager_a, data={"active": False})
    other = make_user("facility_manager", FacilityFactory(code="FAC-Z"))
    with pytest.raises(PermissionDenied):
        organization_update(organization=facility_a, by=other, data={"name": "x"})
