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


# --- import, statistics ---
# The statistics are the programme office's and the viewer's (permission "statistics" on
# enrolments, the whole city); read-only pages, so GET only. The history import runs
# through the core import pages (their own cases in core); its kind's rule is tested in
# test_import_history.py.
STATISTICS_CASES = register(
    *(
        ViewCase(
            name,
            allowed=("programme", "viewer"),
            forbidden_role=("trainer", "manager_a", "ward_officer_a", "coordinator", "nobody"),
            methods=("get",),
            query=query,
        )
        for name, query in (
            ("training:statistics", {"period": "2010-2020", "by": "organizer"}),
            ("training:statistics_people", {"dimension": "topic", "key": "Kỹ năng"}),
            ("training:statistics_export", None),
        )
    )
)


@pytest.mark.parametrize("case", STATISTICS_CASES, ids=lambda c: c.id)
def test_statistics_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
