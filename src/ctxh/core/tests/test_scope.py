"""The one scope question: ``Scope.covers`` / ``covers_object`` / ``q`` and ``may``."""

import pytest

from ctxh.core.models import Job
from ctxh.core.scoping import EVERYTHING, NOTHING, SYSTEM, Scope, may, scope_for
from ctxh.organizations.models import Organization
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.testing import make_user

pytestmark = pytest.mark.django_db


def test_covers_by_organisation_ward_and_owner(facility_a, facility_b, ward_a, ward_b):
    org_scope = Scope(organization_ids=frozenset({facility_a.pk}))
    assert org_scope.covers(facility_a) and org_scope.covers(facility_a.pk)
    assert not org_scope.covers(facility_b)
    assert not org_scope.covers(None)

    ward_scope = Scope(ward_ids=frozenset({ward_a.pk}))
    assert ward_scope.covers(facility_a)  # facility_a lies in ward_a
    assert not ward_scope.covers(facility_b)
    assert ward_scope.covers(None, ward_id=ward_a.pk)
    assert not ward_scope.covers(facility_b.pk)  # an id alone carries no ward

    self_scope = Scope(self_user_id=7)
    assert self_scope.covers(owner_id=7)
    assert not self_scope.covers(owner_id=8)
    assert not self_scope.covers(facility_a)

    assert EVERYTHING.covers(None) and EVERYTHING.covers(facility_b)
    assert not NOTHING.covers(facility_a) and not NOTHING.covers(owner_id=None)


def test_covers_object_reads_the_models_scope_fields(facility_a, facility_b, ward_a):
    owner = make_user("facility_manager", facility_b)
    other = make_user("facility_manager", facility_b)
    mine = Job.objects.create(kind="x", title="mine", created_by=owner)
    theirs = Job.objects.create(kind="x", title="theirs", created_by=other)
    at_a = Job.objects.create(
        kind="x", title="at a", created_by=other, organization_id=facility_a.pk
    )

    self_scope = Scope(self_user_id=owner.pk)
    assert self_scope.covers_object(mine)
    assert not self_scope.covers_object(theirs)
    assert not self_scope.covers_object(at_a)

    ward_scope = Scope(ward_ids=frozenset({ward_a.pk}))
    assert ward_scope.covers_object(facility_a)  # Organization: ward is its own field
    assert not ward_scope.covers_object(facility_b)
    org_scope = Scope(organization_ids=frozenset({facility_a.pk}))
    assert org_scope.covers_object(at_a) and not org_scope.covers_object(mine)


def test_q_selects_exactly_what_covers_object_accepts(facility_a, facility_b, ward_a):
    office = OrganizationFactory(code="UBND-X", kind="ward_office", ward=ward_a)
    FacilityFactory(code="FAC-C", ward=None)
    for scope in (
        Scope(ward_ids=frozenset({ward_a.pk})),
        Scope(organization_ids=frozenset({facility_b.pk})),
        Scope(organization_ids=frozenset({office.pk}), ward_ids=frozenset({ward_a.pk})),
        NOTHING,
    ):
        by_q = set(Organization.objects.filter(scope.q(Organization)))
        by_object = {o for o in Organization.objects.all() if scope.covers_object(o)}
        assert by_q == by_object
    assert EVERYTHING.q(Organization) is None


def test_may_and_scope_for_follow_the_role_table(facility_a, facility_b, ward_a):
    office = OrganizationFactory(code="UBND-A", kind="ward_office", ward=ward_a)
    officer = make_user("ward_officer", office)
    manager = make_user("facility_manager", facility_a)
    # WARD reach: the officer sees what lies in their ward, not elsewhere.
    assert may(officer, Organization, "view", facility_a)
    assert not may(officer, Organization, "view", facility_b)
    # ORG reach: a manager changes their own facility only; no "add" at all.
    assert may(manager, Organization, "change", facility_a)
    assert not may(manager, Organization, "change", facility_b)
    assert not may(manager, Organization, "add", facility_a)
    # SELF reach: a manager's jobs are their own.
    assert may(manager, Job, "view", owner_id=manager.pk)
    assert not may(manager, Job, "view", owner_id=officer.pk)
    assert scope_for(manager, Job, "view") == Scope(self_user_id=manager.pk)
    assert may(SYSTEM, Organization, "add", None)
    assert not may(None, Organization, "view", facility_a)
