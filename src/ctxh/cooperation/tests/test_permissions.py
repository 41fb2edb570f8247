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


def _year():
    from django.utils import timezone

    return timezone.localdate().year


def _agreement_data(w, **extra):
    year = _year()
    return {
        "title": "Thỏa thuận mới",
        "number": "02/TTHT",
        "agency": w.agency.pk,
        "partners": [w.school.pk],
        "signed_on": f"01/02/{year}",
        "starts_on": f"01/02/{year}",
        "ends_on": f"31/12/{year + 3}",
        "areas": ["training", "research"],
        "summary": "",
        **extra,
    }


def _task_data(w, **extra):
    return {
        "title": "Hội thảo chia sẻ kinh nghiệm",
        "area": "workshops",
        "owner": w.school.pk,
        "partners": [],
        "deadline": f"30/11/{_year()}",
        "expected_product": "Kỷ yếu hội thảo",
        "delivered": "",
        **extra,
    }


def _research_data(w, **extra):
    return {
        "title": "Đề tài mới",
        "code": "",
        "level": "city",
        "lead": w.school.pk,
        "partners": [],
        "starts_on": f"01/01/{_year()}",
        "ends_on": "",
        "summary": "",
        "results": "",
        **extra,
    }


def _practice_data(w, **extra):
    return {
        "title": "Mô hình mới",
        "organization": w.facility_a.pk,
        "area": "Trẻ em",
        "problem": "Vấn đề",
        "where_applied": "Cơ sở A",
        "results": "Kết quả",
        "contact_role": "Phòng CTXH",
        "applied_at": [w.facility_b.pk],
        **extra,
    }


def _evidence(w):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .world import PDF

    return {"evidence": SimpleUploadedFile("bien-ban.pdf", PDF)}


PARTNER_A = ("coordinator", "programme")
PLAN_CASES = register(
    ViewCase("cooperation:agreements", allowed=SEES, forbidden_role=("student",), methods=("get",)),
    ViewCase(
        "cooperation:agreement_create",
        allowed=("programme",),
        forbidden_role=("coordinator", "viewer", "student"),
        data=_agreement_data,
        writes=True,
    ),
    ViewCase(
        "cooperation:agreement_detail",
        kwargs=lambda w: {"pk": w.agreement.pk},
        allowed=SEES,
        forbidden_role=("student",),
        methods=("get",),
    ),
    ViewCase(
        "cooperation:agreement_edit",
        kwargs=lambda w: {"pk": w.agreement.pk},
        allowed=("programme",),
        forbidden_role=("coordinator", "viewer"),
        data=lambda w: _agreement_data(
            w,
            title=w.agreement.title,
            partners=[w.school.pk, w.school_b.pk],
            signed_on=w.agreement.signed_on.strftime("%d/%m/%Y"),
            starts_on=w.agreement.starts_on.strftime("%d/%m/%Y"),
            ends_on=w.agreement.ends_on.strftime("%d/%m/%Y"),
        ),
        writes=True,
    ),
    ViewCase(
        "cooperation:agreement_move",
        kwargs=lambda w: {"pk": w.agreement.pk},
        allowed=("programme",),
        forbidden_role=("coordinator", "viewer"),
        methods=("post",),
        data=lambda w: {"to": "expired", "reason": ""},
        writes=True,
    ),
    ViewCase(
        "cooperation:plan_create",
        kwargs=lambda w: {"pk": w.agreement.pk},
        allowed=("programme",),
        forbidden_role=("coordinator", "viewer"),
        methods=("post",),
        data=lambda w: {"year": str(_year() + 1)},
        writes=True,
    ),
    ViewCase(
        "cooperation:plan",
        kwargs=lambda w: {"pk": w.plan.pk},
        allowed=SEES,
        forbidden_role=("student",),
        methods=("get",),
    ),
    ViewCase(
        "cooperation:task_create",
        kwargs=lambda w: {"pk": w.plan.pk},
        allowed=PARTNER_A,
        other_org=("trainer",),  # not a party to the agreement
        forbidden_role=("viewer", "student"),
        data=_task_data,
        writes=True,
    ),
    ViewCase(
        "cooperation:task_detail",
        kwargs=lambda w: {"pk": w.task_a.pk},
        allowed=SEES,
        forbidden_role=("student",),
        methods=("get",),
    ),
    ViewCase(
        "cooperation:task_edit",
        kwargs=lambda w: {"pk": w.task_a.pk},
        allowed=PARTNER_A,
        other_org=("coordinator_b", "manager_a"),
        forbidden_role=("viewer",),
        data=lambda w: _task_data(w, title=w.task_a.title, area="training"),
        writes=True,
    ),
    ViewCase(
        "cooperation:task_move",
        kwargs=lambda w: {"pk": w.task_a.pk},
        allowed=PARTNER_A,
        other_org=("coordinator_b",),
        forbidden_role=("viewer",),
        methods=("post",),
        data=lambda w: {"to": "in_progress", "reason": ""},
        writes=True,
    ),
    ViewCase(
        "cooperation:task_evidence",
        kwargs=lambda w: {"pk": w.task_a.pk},
        allowed=PARTNER_A,
        other_org=("coordinator_b",),
        forbidden_role=("viewer",),
        methods=("post",),
        data=_evidence,
        writes=True,
    ),
    ViewCase("cooperation:late", allowed=SEES, forbidden_role=("student",), methods=("get",)),
    ViewCase("cooperation:research", allowed=SEES, forbidden_role=("student",), methods=("get",)),
    ViewCase(
        "cooperation:research_create",
        allowed=PARTNER_A,
        forbidden_role=("viewer", "student"),
        data=_research_data,
        writes=True,
    ),
    ViewCase(
        "cooperation:research_detail",
        kwargs=lambda w: {"pk": w.research_a.pk},
        allowed=SEES,
        forbidden_role=("student",),
        methods=("get",),
    ),
    ViewCase(
        "cooperation:research_edit",
        kwargs=lambda w: {"pk": w.research_a.pk},
        allowed=PARTNER_A,
        other_org=("coordinator_b",),
        forbidden_role=("viewer",),
        data=lambda w: _research_data(w, title=w.research_a.title, results="Kết quả mới"),
        writes=True,
    ),
    ViewCase(
        "cooperation:research_move",
        kwargs=lambda w: {"pk": w.research_a.pk},
        allowed=PARTNER_A,
        other_org=("coordinator_b",),
        forbidden_role=("viewer",),
        methods=("post",),
        data=lambda w: {"to": "ongoing", "reason": ""},
        writes=True,
    ),
    ViewCase("cooperation:practices", allowed=SEES, forbidden_role=("student",), methods=("get",)),
    ViewCase(
        "cooperation:practice_create",
        allowed=("manager_a", "programme"),
        forbidden_role=("viewer", "student"),
        data=_practice_data,
        writes=True,
    ),
    ViewCase(
        "cooperation:practice_detail",
        kwargs=lambda w: {"pk": w.practice_a.pk},
        allowed=SEES,
        forbidden_role=("student",),
        methods=("get",),
    ),
    ViewCase(
        "cooperation:practice_edit",
        kwargs=lambda w: {"pk": w.practice_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("viewer",),
        data=lambda w: _practice_data(w, title=w.practice_a.title),
        writes=True,
    ),
    ViewCase("cooperation:awards", allowed=SEES, forbidden_role=("student",), methods=("get",)),
    ViewCase(
        "cooperation:award_create",
        allowed=("programme",),
        forbidden_role=("coordinator", "viewer", "student"),
        data=lambda w: {
            "kind": "award",
            "title": "Giải thưởng CTXH",
            "person": "",
            "organization": w.school.pk,
            "decision_number": "45/QĐ-UBND",
            "decision_date": f"25/03/{_year()}",
            "issuer": "UBND Thành phố",
            "reason": "",
        },
        writes=True,
    ),
)


@pytest.mark.parametrize("case", PLAN_CASES, ids=lambda c: c.id)
def test_plan_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
