"""Fixtures shared by every app's tests."""

import pytest

from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.testing import make_user


@pytest.fixture
def agency(db):
    return OrganizationFactory(code="AGENCY", kind="agency", name="Sở Y tế")


@pytest.fixture
def facility_a(db, ward_a):
    return FacilityFactory(code="FAC-A", name="Trung tâm Bảo trợ Nguyễn Trãi", ward=ward_a)


@pytest.fixture
def facility_b(db, ward_b):
    return FacilityFactory(code="FAC-B", name="Mái ấm Hoa Hồng", ward=ward_b)


@pytest.fixture
def wards(db):
    from django.conf import settings

    from ctxh.core.scoping import SYSTEM
    from ctxh.geo.models import Ward
    from ctxh.geo.services import load_units

    load_units(by=SYSTEM, province_code=settings.CTXH_PROVINCE)
    return list(Ward.objects.order_by("code")[:4])


@pytest.fixture
def ward_a(wards):
    return wards[0]


@pytest.fixture
def ward_b(wards):
    return wards[1]


@pytest.fixture
def programme_user(agency):
    return make_user("programme_office", agency)


@pytest.fixture
def manager_a(facility_a):
    return make_user("facility_manager", facility_a)


@pytest.fixture
def manager_b(facility_b):
    return make_user("facility_manager", facility_b)


@pytest.fixture
def student_a(db):
    school = OrganizationFactory(code="SCHOOL-A", kind="school", name="Trường Đại học A")
    return make_user("student", school)


@pytest.fixture
def permission_world(db, settings, tmp_path):
    """The users and objects of the permission matrix (see ``ctxh.testing``); files go to
    a temporary MEDIA_ROOT."""
    from ctxh.testing import PermissionWorld

    settings.MEDIA_ROOT = tmp_path / "media"
    return PermissionWorld()


# The reference data the migrations ship (target groups, services, the Decision 112 targets,
# the monitoring's indicators and periodic data sets): a test with ``transaction=True`` (the
# browser journeys, the concurrency tests) starts from a database flushed by the one before,
# so it is loaded again by the migrations' own idempotent functions.
SHIPPED_DATA = (
    ("ctxh.organizations.migrations.0002_reference_lists", "load"),
    ("ctxh.workforce.migrations.0002_decision_112_targets", "load"),
    ("ctxh.monitoring.migrations.0001_initial", "copy_workforce_targets"),
    ("ctxh.monitoring.migrations.0003_submission_datasets", "load"),
)


@pytest.fixture(autouse=True)
def _shipped_data_after_a_flush(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    for module, function in SHIPPED_DATA:
        getattr(importlib.import_module(module), function)(apps, None)
