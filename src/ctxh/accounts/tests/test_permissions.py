"""The permission matrix of the accounts pages and the home page (see ``ctxh.testing``)."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

CASES = register(
    ViewCase("home", allowed=("programme", "manager_a", "student", "nobody"), everyone=True),
    ViewCase(
        "accounts:members",
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
)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
