import pytest

from ctxh.accounts.roles import PERMISSIONS, Role
from ctxh.organizations.models import Organization
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.testing import make_user

pytestmark = pytest.mark.django_db


def test_every_role_in_the_table_is_a_known_role():
    for actions in PERMISSIONS.values():
        for reach in actions.values():
            assert set(reach) <= set(Role.values)


def test_ward_officer_sees_its_ward_only(ward_a, ward_b, facility_a, facility_b):
    office = OrganizationFactory(code="UBND-A", kind="ward_office", ward=ward_a)
    officer = make_user("ward_officer", office)
    visible = set(Organization.objects.visible_to(officer, "view"))
    assert visible == {office, facility_a}
    # It keeps its own office's details, never a facility of its ward.
    assert list(Organization.objects.visible_to(officer, "change")) == [office]


def test_programme_office_sees_everything(programme_user, facility_a, facility_b):
    assert Organization.objects.visible_to(programme_user).count() == Organization.objects.count()


def test_a_user_with_two_roles_gets_the_union(facility_a, facility_b):
    user = make_user("facility_manager", facility_a)
    from ctxh.accounts.models import Membership

    Membership.objects.create(user=user, organization=facility_b, role="field_instructor")
    assert set(Organization.objects.visible_to(user)) == {facility_a, facility_b}
    assert set(Organization.objects.visible_to(user, "change")) == {facility_a}


def test_inactive_membership_gives_nothing(facility_a):
    user = make_user("facility_manager", facility_a)
    user.memberships.update(active=False)
    user = type(user).objects.get(pk=user.pk)
    assert not Organization.objects.visible_to(user).exists()


def test_anonymous_sees_nothing(facility_a):
    from django.contrib.auth.models import AnonymousUser

    assert not Organization.objects.visible_to(AnonymousUser()).exists()
    assert not FacilityFactory._meta.model.objects.visible_to(None).exists()
