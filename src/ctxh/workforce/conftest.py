"""Fixtures of the workforce tests."""

import pytest

from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import make_user
from ctxh.workforce.tests.factories import PersonFactory, employ


@pytest.fixture
def ward_office_a(ward_a):
    return OrganizationFactory(
        code="UBND-A", kind="ward_office", name=f"UBND {ward_a.name}", ward=ward_a
    )


@pytest.fixture
def ward_officer_a(ward_office_a):
    return make_user("ward_officer", ward_office_a)


@pytest.fixture
def viewer(agency):
    return make_user("viewer", agency)


@pytest.fixture
def person_a(facility_a):
    person = PersonFactory(full_name="Nguyễn Thị Ánh", gender="female", cccd="079190001234")
    employ(person, facility_a, position="Nhân viên CTXH")
    return person


@pytest.fixture
def person_b(facility_b):
    person = PersonFactory(full_name="Trần Văn Bảo")
    employ(person, facility_b)
    return person
