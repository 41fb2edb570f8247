"""The permission matrix of the practicum pages (see ``ctxh.testing``)."""

import pytest

from ctxh.practicum.models import AllocationRun
from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

CASES = register(
    ViewCase(
        "practicum:board",
        allowed=("programme", "viewer", "manager_a", "coordinator", "student", "instructor_a"),
        forbidden_role=("ward_officer_a", "nobody"),
    ),
)

# --- allocation ---
_office_only = ("manager_a", "coordinator", "student", "instructor_a", "nobody")
CASES += register(
    ViewCase(
        "practicum:runs",
        kwargs=lambda w: {"period_pk": w.past_period.pk},
        allowed=("programme", "viewer"),
        forbidden_role=_office_only,
        data=lambda w: {"kind": "second", "seed": "7", "note": "Bổ sung"},
        writes=AllocationRun,
        label="second allocation",
    ),
    ViewCase(
        "practicum:runs",
        kwargs=lambda w: {"period_pk": w.period.pk},
        allowed=("programme", "viewer"),
        forbidden_role=_office_only,
        data=lambda w: {"kind": "main", "seed": "1"},
        # The period still takes preferences: the form says so, nothing is written.
        allowed_status=200,
        label="preferences still open",
    ),
    ViewCase(
        "practicum:run_detail",
        kwargs=lambda w: {"pk": w.run_ready.pk},
        allowed=("programme", "viewer"),
        forbidden_role=_office_only,
        methods=("get",),
    ),
    ViewCase(
        "practicum:run_compare",
        kwargs=lambda w: {"period_pk": w.past_period.pk},
        allowed=("programme", "viewer"),
        forbidden_role=_office_only,
        methods=("get",),
    ),
    ViewCase(
        "practicum:run_commit",
        kwargs=lambda w: {"pk": w.run_ready.pk},
        allowed=("programme",),
        forbidden_role=("viewer", *_office_only),
        methods=("post",),
        writes=True,
    ),
    ViewCase(
        "practicum:run_export",
        kwargs=lambda w: {"pk": w.run_ready.pk},
        allowed=("programme", "viewer"),
        forbidden_role=_office_only,
        methods=("get",),
        logs=("allocationrun.export",),
    ),
    ViewCase(
        "practicum:placement_move",
        kwargs=lambda w: {"pk": w.placement_b.pk},
        allowed=("programme",),
        # Facility A and school A do not see school B's student at facility B.
        other_org=("manager_a", "coordinator", "student_b"),
        forbidden_role=("manager_b", "coordinator_b", "viewer"),
        data=lambda w: {"offer": w.placement_a.offer_id, "reason": "Cơ sở B quá tải"},
        writes=True,
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
