"""The permission matrix of the accounts pages and the home page (see ``ctxh.testing``)."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, make_user, register

pytestmark = pytest.mark.django_db


def _instructor(world):
    """A field instructor of facility A (an account its manager administers)."""
    if not hasattr(world, "instructor_a"):
        world.instructor_a = make_user("field_instructor", world.facility_a)
    return world.instructor_a


CASES = register(
    ViewCase("home", allowed=("programme", "manager_a", "student", "nobody"), everyone=True),
    ViewCase(
        "accounts:members",
        methods=("get",),
        allowed=("programme", "viewer", "manager_a", "ward_officer_a"),
        forbidden_role=("student", "nobody"),
    ),
    ViewCase(
        "accounts:password-change",
        # A wrong current password: the form answers, nothing is written.
        data=lambda w: {
            "old_password": "not-the-password",
            "new_password1": "Mat-khau-moi-2026!",
            "new_password2": "Mat-khau-moi-2026!",
        },
        allowed=("nobody", "manager_a"),
        everyone=True,
    ),
    ViewCase("accounts:password-change-done", methods=("get",), allowed=("nobody",), everyone=True),
    ViewCase(
        "accounts:members-export",
        kwargs=lambda w: {"fmt": "xlsx"},
        methods=("get",),
        allowed=("programme", "viewer", "manager_a"),
        forbidden_role=("student", "nobody"),
    ),
    ViewCase(
        "accounts:account-create",
        data=lambda w: {
            "username": "kh.moi",
            "full_name": "Kiểm Huấn Mới",
            "email": "kh.moi@example.vn",
            "phone": "0901234567",
            "organization": w.facility_a.pk,
            "role": "field_instructor",
        },
        allowed=("programme", "manager_a"),
        forbidden_role=("viewer", "student", "nobody"),
        writes=True,
    ),
    ViewCase(
        "accounts:account",
        kwargs=lambda w: {"pk": w.manager_a.pk},
        methods=("get",),
        allowed=("programme", "viewer", "manager_a"),
        other_org=("manager_b", "ward_officer_a"),
        forbidden_role=("student", "nobody"),
    ),
    ViewCase(
        "accounts:account-edit",
        kwargs=lambda w: {"pk": _instructor(w).pk},
        data=lambda w: {"full_name": "Tên Đã Sửa", "email": "sua@example.vn", "phone": ""},
        allowed=("programme", "manager_a"),
        other_org=("manager_b", "ward_officer_a"),
        forbidden_role=("viewer", "student", "nobody"),
        writes=True,
    ),
    ViewCase(
        "accounts:membership-add",
        kwargs=lambda w: {"pk": _instructor(w).pk},
        methods=("post",),
        data=lambda w: {"organization": w.facility_a.pk, "role": "facility_manager"},
        allowed=("programme", "manager_a"),
        other_org=("manager_b", "ward_officer_a"),
        forbidden_role=("viewer", "student", "nobody"),
        writes=True,
    ),
    ViewCase(
        "accounts:account-action",
        kwargs=lambda w: {"pk": _instructor(w).pk, "action": "deactivate"},
        methods=("post",),
        data=lambda w: {"reason": "Nghỉ việc"},
        allowed=("programme", "manager_a"),
        other_org=("manager_b", "ward_officer_a"),
        forbidden_role=("viewer", "student", "nobody"),
        writes=True,
    ),
    ViewCase(
        "accounts:membership-end",
        kwargs=lambda w: {"pk": _instructor(w).memberships.get().pk},
        methods=("post",),
        allowed=("programme", "manager_a"),
        other_org=("manager_b", "ward_officer_a"),
        forbidden_role=("viewer", "student", "nobody"),
        writes=True,
    ),
    ViewCase(
        "accounts:roles",
        allowed=("programme", "viewer"),
        forbidden_role=("manager_a", "student", "nobody"),
    ),
    ViewCase(
        "accounts:profile",
        data=lambda w: {"full_name": "Tên Của Tôi", "email": "", "phone": "", "language": "vi"},
        allowed=("nobody", "manager_a"),
        everyone=True,
        writes=True,
    ),
)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
