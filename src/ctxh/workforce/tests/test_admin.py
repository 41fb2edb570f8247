"""The Django admin is never a way around the services: models with services are
read-only there; targets are saved through their audited service."""

from decimal import Decimal

import pytest
from django.contrib import admin

from ctxh.accounts.models import Membership, User
from ctxh.core.models import AuditEvent
from ctxh.organizations.models import FacilityProfile, Organization
from ctxh.testing import client_for, make_user
from ctxh.workforce.models import (
    Certificate,
    Employment,
    FieldInstructor,
    Person,
    WorkforceTarget,
)

pytestmark = pytest.mark.django_db

SERVICE_MODELS = [
    Person,
    Employment,
    Certificate,
    FieldInstructor,
    Organization,
    FacilityProfile,
    User,
    Membership,
]


@pytest.fixture
def root(db):
    return make_user(superuser=True, username="root")


def test_models_with_services_are_read_only(root, person_a):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = root
    for model in SERVICE_MODELS:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        assert model_admin.has_view_permission(request), model


def test_an_admin_post_cannot_change_a_person_unaudited(root, person_a):
    client = client_for(root)
    url = f"/admin/workforce/person/{person_a.pk}/change/"
    assert client.get(url).status_code == 200  # may look
    events = AuditEvent.objects.count()
    response = client.post(url, {"full_name": "Đổi Tên", "gender": "male", "staff_type": "staff"})
    assert response.status_code == 403
    person_a.refresh_from_db()
    assert person_a.full_name == "Nguyễn Thị Ánh"
    assert (
        client.post(f"/admin/workforce/person/{person_a.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Person.objects.filter(pk=person_a.pk).exists()
    assert client.post("/admin/workforce/person/add/", {"full_name": "X"}).status_code == 403
    assert AuditEvent.objects.count() == events


def test_targets_are_saved_through_the_audited_service(root):
    target = WorkforceTarget.objects.get(indicator="facilities_with_staff", year=2025)
    client = client_for(root)
    response = client.post(
        f"/admin/workforce/workforcetarget/{target.pk}/change/",
        {"indicator": target.indicator, "year": 2025, "percent": "65.00", "source": target.source},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.percent == Decimal("65.00")
    event = AuditEvent.objects.get(action="workforce_target.set")
    assert event.actor == root
    assert event.old_values == {"percent": "60.00"} and event.new_values == {"percent": "65.00"}


def test_only_superusers_may_save_a_target(programme_user):
    from django.core.exceptions import PermissionDenied

    from ctxh.workforce import services

    target = WorkforceTarget.objects.first()
    before = target.percent
    target.percent = Decimal("1")
    with pytest.raises(PermissionDenied):
        services.workforce_target_save(by=programme_user, target=target)
    assert WorkforceTarget.objects.get(pk=target.pk).percent == before


def test_a_superuser_finds_a_person_by_the_whole_cccd_only(root, person_a, person_b):
    client = client_for(root)
    url = "/admin/workforce/person/"
    body = client.get(url, {"q": person_a.cccd}).content.decode()
    assert person_a.full_name in body and person_b.full_name not in body
    body = client.get(url, {"q": person_a.cccd[:7]}).content.decode()
    assert person_a.full_name not in body  # never a part of the number
