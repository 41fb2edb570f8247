"""The permission matrix of the cooperation pages (see ``ctxh.testing``)."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

CASES = register(
    ViewCase(
        "cooperation:index",
        allowed=("programme", "viewer", "manager_a", "ward_officer_a", "coordinator", "trainer"),
        forbidden_role=("nobody",),
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- agreements, plans, research ---
# Every organisation of the programme sees agreements, plans, tasks, research, practices and
# awards; students and accounts without a membership do not.
SEES = ("programme", "viewer", "coordinator", "coordinator_b", "manager_a", "trainer")
AGREEMENT_CASES = register(
    ViewCase(
        "cooperation:file",
        kwargs=lambda w: {"pk": w.attachment_a.pk},
        allowed=("programme", "coordinator", "coordinator_b", "manager_b"),
        forbidden_role=("student", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "cooperation:file",
        label="person's file",
        kwargs=lambda w: {"pk": w.person_file_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("student",),
        methods=("get",),
    ),
)


@pytest.mark.parametrize("case", AGREEMENT_CASES, ids=lambda c: c.id)
def test_agreement_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
