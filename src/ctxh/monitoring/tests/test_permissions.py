"""The permission matrix of the monitoring pages (see ``ctxh.testing``)."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

CASES = register(
    ViewCase(
        "monitoring:index",
        allowed=("programme", "viewer", "manager_a", "ward_officer_a", "coordinator", "trainer"),
        forbidden_role=("nobody",),
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
