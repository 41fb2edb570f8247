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
