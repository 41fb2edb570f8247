"""The permission matrix of the organisation pages (see ``ctxh.testing``): who may open
each page, who gets 404 or 403, and that a refused request writes nothing."""

import pytest

from ctxh.core.models import Job
from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db


def _facility_a(w):
    return {"pk": w.facility_a.pk}


def _flagged_a(w):
    """A figure of facility A awaiting the programme office's review."""
    import datetime as dt

    from ctxh.organizations.models import ResidentCount, TargetGroup

    entry = ResidentCount.objects.create(
        facility=w.facility_a,
        period_end=dt.date(2025, 6, 30),
        target_group=TargetGroup.objects.get(code="children"),
        count=300,
        status=ResidentCount.Review.PENDING,
        checks="over_capacity",
        capacity=100,
        facility_total=300,
        confirmation_reason="Tiếp nhận khẩn cấp",
    )
    return {"pk": entry.pk}


CASES = register(
    ViewCase(
        "organizations:list",
        allowed=("programme", "manager_a", "student", "ward_officer_a"),
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "organizations:create",
        data=lambda w: {
            "code": "PERM-NEW",
            "name": "Mái ấm Bình Minh",
            "kind": "department",
            "ownership": "public",
            "ward": w.ward_a.pk,
            "active": "on",
        },
        allowed=("programme",),
        forbidden_role=("manager_a", "viewer", "nobody"),
        writes=True,
    ),
    ViewCase(
        "organizations:export",
        methods=("post",),
        data=lambda w: {"query": ""},
        allowed=("manager_a",),
        forbidden_role=("nobody",),
        writes=Job,
    ),
    ViewCase(
        "organizations:export-xlsx",
        allowed=("programme", "manager_a"),
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "organizations:export-csv",
        allowed=("programme", "manager_a"),
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "organizations:detail",
        kwargs=_facility_a,
        # A student browses the network: a facility's public facts, not its figures.
        allowed=("manager_a", "programme", "viewer", "ward_officer_a", "student"),
        other_org=("manager_b",),
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "organizations:detail",
        label="not a facility",
        kwargs=lambda w: {"pk": w.ward_office_a.pk},
        allowed=("programme", "ward_officer_a"),
        other_org=("manager_b", "student"),
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "organizations:edit",
        kwargs=_facility_a,
        data=lambda w: {
            "name": w.facility_a.name,
            "phone": "028 3812 3456",
            "facility-capacity": "150",
        },
        allowed=("manager_a", "programme"),
        # The ward officer keeps its own office's details, not the facilities of its ward.
        other_org=("manager_b", "ward_officer_a"),
        forbidden_role=("student", "viewer"),
        writes=True,
    ),
    ViewCase(
        "organizations:edit",
        label="ward office",
        kwargs=lambda w: {"pk": w.ward_office_a.pk},
        data=lambda w: {"name": w.ward_office_a.name, "phone": "0283 812 3456"},
        allowed=("ward_officer_a", "programme"),
        other_org=("manager_a",),
        forbidden_role=("student", "viewer"),
        writes=True,
    ),
    ViewCase(
        "organizations:facilities",
        allowed=("programme", "manager_a", "viewer", "student"),
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "organizations:facilities-export-xlsx",
        allowed=("programme", "manager_a", "student"),
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "organizations:facilities-export-csv",
        allowed=("programme", "manager_a", "student"),
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "organizations:map",
        allowed=("programme", "manager_a", "student"),
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "organizations:map-data",
        allowed=("programme", "manager_a", "student"),
        forbidden_role=("nobody",),
    ),
    ViewCase(
        "organizations:headcount-reviews",
        allowed=("programme",),
        forbidden_role=("manager_a", "viewer", "student", "ward_officer_a", "nobody"),
    ),
    ViewCase(
        "organizations:headcount-review",
        kwargs=_flagged_a,
        methods=("post",),
        data=lambda w: {"decision": "accept", "comment": ""},
        allowed=("programme",),
        forbidden_role=("manager_a", "viewer", "student", "ward_officer_a", "nobody"),
        writes=True,
    ),
    ViewCase(
        "organizations:headcount",
        kwargs=_facility_a,
        data=lambda w: {"period_end": "30/06/2025", "group_children": "12"},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("viewer", "student", "ward_officer_a", "nobody"),
        writes=True,
    ),
)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
