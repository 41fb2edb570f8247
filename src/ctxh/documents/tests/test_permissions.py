"""The permission matrix of the documents' pages (see ``ctxh.testing``)."""

import pytest

from ctxh.testing import ViewCase, assert_view_permissions, register

from .helpers import sample_document

pytestmark = pytest.mark.django_db


def _doc_a(w):
    """A letter of facility A (issued by its manager)."""
    return {"pk": sample_document(w.facility_a, w.manager_a).pk}


CASES = register(
    ViewCase(
        "documents:list",
        allowed=("programme", "viewer", "manager_a", "coordinator"),
        forbidden_role=("student", "ward_officer_a", "instructor_a", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "documents:detail",
        kwargs=_doc_a,
        allowed=("manager_a", "programme", "viewer"),
        other_org=("manager_b", "coordinator"),
        forbidden_role=("student", "ward_officer_a", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "documents:pdf",
        kwargs=_doc_a,
        allowed=("manager_a", "programme", "viewer"),
        other_org=("manager_b", "coordinator"),
        forbidden_role=("student", "ward_officer_a", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "documents:void",
        kwargs=_doc_a,
        data=lambda w: {"reason": "Sai ngày sinh của người được giới thiệu."},
        allowed=("manager_a", "programme"),
        other_org=("manager_b", "coordinator"),
        forbidden_role=("viewer", "student", "ward_officer_a", "nobody"),
        writes=True,
    ),
    ViewCase(
        "documents:reissue",
        kwargs=_doc_a,
        data=lambda w: {"reason": "Cấp lại do thất lạc."},
        allowed=("manager_a", "programme"),
        other_org=("manager_b", "coordinator"),
        forbidden_role=("viewer", "student", "ward_officer_a", "nobody"),
        writes=True,
    ),
    ViewCase(
        "documents:settings",
        kwargs=lambda w: {"org_pk": w.facility_a.pk},
        data=lambda w: {
            "parent_body": "Sở Y tế",
            "symbol": "CSA",
            "place": "TP. Hồ Chí Minh",
            "signer_title": "Giám đốc",
            "signer_name": "Trần Văn Bình",
        },
        allowed=("manager_a", "programme"),
        other_org=("manager_b", "coordinator"),
        forbidden_role=("viewer", "student", "ward_officer_a", "nobody"),
        writes=True,
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
