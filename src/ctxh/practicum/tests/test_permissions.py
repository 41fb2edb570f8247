"""The permission matrix of the practicum pages (see ``ctxh.testing``)."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

CASES = register(
    ViewCase(
        "practicum:board",
        allowed=("programme", "viewer", "manager_a", "coordinator", "student", "instructor_a"),
        forbidden_role=("ward_officer_a", "nobody"),
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- acceptance ---
# The facility pages show the user's own facility (or, for the programme office, a list to
# choose from); another facility asked by ``?facility=`` is a 404, tested in
# test_acceptance_views.py (the matrix's query cannot name a world's object).
FACILITY_ONLY = ("coordinator", "student", "ward_officer_a", "nobody")


def _accept_one(w):
    pk = w.placement_a.pk
    return {"action": "accept", "placement": [pk], f"instructor_{pk}": w.past_instructor_a.pk}


ACCEPTANCE_CASES = register(
    ViewCase(
        "practicum:proposals",
        data=_accept_one,
        allowed=("manager_a", "programme"),
        forbidden_role=(*FACILITY_ONLY, "instructor_a", "viewer"),
        writes=True,
    ),
    ViewCase(
        "practicum:placement_detail",
        kwargs=lambda w: {"pk": w.placement_a.pk},
        methods=("get",),
        allowed=(
            "past_student_a",
            "coordinator",
            "manager_a",
            "instructor_a",
            "programme",
            "viewer",
        ),
        other_org=("student", "coordinator_b", "manager_b", "student_b"),
        forbidden_role=("ward_officer_a", "nobody"),
    ),
    ViewCase(
        "practicum:placement_accept",
        kwargs=lambda w: {"pk": w.placement_a.pk},
        methods=("post",),
        data=lambda w: {"instructor": w.past_instructor_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=(*FACILITY_ONLY, "instructor_a", "viewer"),
        writes=True,
    ),
    ViewCase(
        "practicum:placement_decline",
        kwargs=lambda w: {"pk": w.placement_a.pk},
        methods=("post",),
        data=lambda w: {"reason": "Không đủ người hướng dẫn trong tháng này"},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=(*FACILITY_ONLY, "instructor_a", "viewer"),
        writes=True,
    ),
    ViewCase(
        "practicum:accepted",
        methods=("get",),
        allowed=("manager_a", "instructor_a", "programme", "viewer"),
        forbidden_role=FACILITY_ONLY,
    ),
    ViewCase(
        "practicum:accepted",
        label="xlsx",
        methods=("get",),
        query={"format": "xlsx"},
        allowed=("manager_a", "instructor_a"),
        forbidden_role=FACILITY_ONLY,
        logs=("placement.export",),
    ),
    ViewCase(
        "practicum:overdue",
        methods=("get",),
        allowed=("programme",),
        forbidden_role=("manager_a", "coordinator", "viewer", "instructor_a", "student"),
    ),
    ViewCase(
        "practicum:remind",
        methods=("post",),
        data=lambda w: {"period": w.past_period.pk, "facility": w.facility_a.pk},
        allowed=("programme",),
        forbidden_role=("manager_a", "coordinator", "viewer", "instructor_a", "student"),
        writes=True,
    ),
)


@pytest.mark.parametrize("case", ACCEPTANCE_CASES, ids=lambda c: c.id)
def test_acceptance_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
