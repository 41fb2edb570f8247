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


# --- offers and preferences ---
CASES += register(
    ViewCase(
        "practicum:offers",
        allowed=("programme", "viewer", "manager_a", "coordinator", "student", "instructor_a"),
        forbidden_role=("ward_officer_a", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "practicum:offer_create",
        allowed=("manager_a", "programme"),
        forbidden_role=("coordinator", "student", "viewer"),
        data=lambda w: {
            "period": w.period.pk,
            "facility": w.facility_a.pk,
            "practice_type": "casework",
            "level": "university_4",
            "seats": "2",
            "instructors": [w.period_instructor_a.pk],
        },
        writes=True,
        label="facility",
    ),
    ViewCase(
        "practicum:offer_edit",
        kwargs=lambda w: {"pk": w.offer_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("coordinator", "student", "viewer"),
        data=lambda w: {
            "period": w.period.pk,
            "facility": w.facility_a.pk,
            "practice_type": "casework",
            "level": "university_3",
            "seats": "5",
            "instructors": [w.period_instructor_a.pk],
            "notes": "Mang theo thẻ sinh viên.",
        },
        writes=True,
    ),
    ViewCase(
        "practicum:offer_publish",
        kwargs=lambda w: {"pk": w.offer_draft_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("coordinator", "student", "viewer"),
        methods=("post",),
        writes=True,
    ),
    ViewCase(
        "practicum:offer_withdraw",
        kwargs=lambda w: {"pk": w.offer_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("coordinator", "student", "viewer"),
        data=lambda w: {"reason": "Cơ sở đang sửa chữa."},
        writes=True,
    ),
    ViewCase(
        "practicum:period_instructors",
        kwargs=lambda w: {"period_pk": w.period.pk},
        allowed=("manager_a", "programme"),
        forbidden_role=("coordinator", "student", "viewer", "instructor_a"),
        data=lambda w: {
            "op": "add",
            "facility": w.facility_a.pk,
            "instructor": w.field_instructor_a.pk,
            "capacity": "4",
        },
        writes=True,
    ),
    ViewCase(
        "practicum:period_instructors",
        kwargs=lambda w: {"period_pk": w.period.pk},
        allowed=("manager_a",),
        forbidden_role=("coordinator",),
        data=lambda w: {
            "op": "remove",
            "facility": w.facility_a.pk,
            "row": w.period_instructor_a.pk,
        },
        writes=True,
        label="remove",
    ),
    ViewCase(
        "practicum:my_preferences",
        allowed=("student",),
        forbidden_role=("manager_a", "viewer", "instructor_a", "nobody"),
        data=lambda w: {"op": f"remove:{w.offer_a.pk}"},
        writes=True,
    ),
    ViewCase(
        "practicum:student_preferences",
        kwargs=lambda w: {"pk": w.pstudent_a.pk},
        allowed=("coordinator", "programme", "student"),
        other_org=("coordinator_b", "student_b"),
        forbidden_role=("manager_a", "viewer", "nobody"),
        data=lambda w: {"op": f"remove:{w.offer_a.pk}"},
        writes=True,
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
