"""The permission matrix of the training pages (see ``ctxh.testing``)."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

CASES = register(
    ViewCase(
        "training:index",
        allowed=("programme", "viewer", "trainer", "manager_a", "ward_officer_a", "coordinator"),
        forbidden_role=("student", "nobody"),
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- attendance, certificates, degree ---
def _class(w):
    return {"pk": w.training_class.pk}


def _degree_data(w):
    return {
        "person": w.person_a.pk,
        "organization": w.facility_a.pk,
        "level": "master",
        "institution": "Trường Đại học Thử",
        "major": "Công tác xã hội",
        "starts_on": "2025-09-01",
        "expected_end": "2027-09-01",
        "actual_end": "",
        "funding": "programme",
    }


ATTENDANCE_CASES = register(
    ViewCase(
        "training:attendance",
        kwargs=_class,
        allowed=("trainer", "programme", "viewer"),
        other_org=("trainer_b", "manager_a"),
        forbidden_role=("student", "nobody"),
        data=lambda w: {"session": w.session.pk, f"mark_{w.enrollment_a.pk}": "present"},
        writes=True,
    ),
    ViewCase(
        "training:session_qr",
        kwargs=lambda w: {"pk": w.session.pk},
        allowed=("trainer", "programme"),
        other_org=("trainer_b",),
        forbidden_role=("viewer", "student", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "training:checkin",
        kwargs=lambda w: {"token": w.session.checkin_token},
        allowed=("person_user_a", "trainer", "nobody"),
        everyone=True,
        writes=True,
        allowed_status={"get": 200, "post": 302},
    ),
    ViewCase(
        "training:certificates",
        kwargs=_class,
        allowed=("trainer", "programme", "viewer"),
        other_org=("trainer_b", "manager_a"),
        forbidden_role=("student", "nobody"),
        data=lambda w: {"action": "completion"},
        writes=True,
    ),
    ViewCase(
        "training:certificates_pdf",
        kwargs=_class,
        allowed=("trainer", "programme", "viewer"),
        other_org=("trainer_b", "manager_a"),
        forbidden_role=("student", "nobody"),
        methods=("get",),
        allowed_status=302,  # none issued yet: back to the class's certificates
    ),
    ViewCase(
        "training:certificate",
        kwargs=lambda w: {"pk": w.enrollment_a.pk},
        allowed=("trainer", "programme", "manager_a", "person_user_a"),
        other_org=("trainer_b", "manager_b"),
        forbidden_role=("student", "nobody"),
        allowed_status={"get": 200, "post": 302},  # not completed: refused with a message
    ),
    ViewCase(
        "training:me",
        allowed=("person_user_a", "nobody", "programme"),
        everyone=True,
        methods=("get",),
    ),
    ViewCase(
        "training:degrees",
        allowed=("programme", "viewer", "manager_a", "ward_officer_a", "person_user_a"),
        forbidden_role=("trainer", "student", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "training:degrees",
        label="xlsx",
        query={"format": "xlsx"},
        allowed=("programme", "manager_a"),
        forbidden_role=("trainer", "student", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "training:degree_create",
        allowed=("manager_a", "programme"),
        forbidden_role=("viewer", "trainer", "student", "nobody"),
        data=_degree_data,
        writes=True,
    ),
    ViewCase(
        "training:degree_edit",
        kwargs=lambda w: {"pk": w.degree_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("viewer", "trainer", "student", "nobody"),
        data=_degree_data,
        writes=True,
    ),
)


@pytest.mark.parametrize("case", ATTENDANCE_CASES, ids=lambda c: c.id)
def test_attendance_certificate_degree_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
