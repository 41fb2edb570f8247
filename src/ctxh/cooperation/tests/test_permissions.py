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
        kwargs=lambda w: {"pk": w.good_practice_a.pk},
        allowed=SEES,
        forbidden_role=("student",),
        methods=("get",),
    ),
    ViewCase(
        "cooperation:practice_edit",
        kwargs=lambda w: {"pk": w.good_practice_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("viewer",),
        data=lambda w: _practice_data(w, title=w.good_practice_a.title),
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


# --- events ---
# Objects: ctxh/cooperation/tests/world_events.py (event_a led by the school, open, now;
# registration_a of person_a; presentation_a; event_held with an attendee).


def _local(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _event_data(w, title="Hội thảo mới"):
    return {
        "kind": "workshop",
        "level": "city",
        "title": title,
        "lead_organizer": w.school.pk,
        "starts_at": "2030-05-01T08:00",
        "ends_at": "2030-05-01T11:00",
        "registration_mode": "open",
    }


def _edit_data(w):
    return {
        **_event_data(w, "Hội thảo thử (sửa)"),
        "starts_at": _local(w.event_a.starts_at),
        "ends_at": _local(w.event_a.ends_at),
        "registration_deadline": _local(w.event_a.registration_deadline),
        "capacity": "5",
    }


_EVENT = {"kwargs": lambda w: {"pk": w.event_a.pk}}
_MANAGE = {"allowed": ("coordinator", "programme"), "other_org": ("coordinator_b", "manager_a")}
EVERYONE = ("programme", "viewer", "coordinator", "student", "manager_a")

EVENT_CASES = register(
    ViewCase("cooperation:events", methods=("get",), allowed=EVERYONE, forbidden_role=("nobody",)),
    ViewCase(
        "cooperation:event_create",
        allowed=("programme", "coordinator"),
        forbidden_role=("viewer", "nobody"),
        data=_event_data,
        writes=True,
    ),
    ViewCase(
        "cooperation:event_propose",
        methods=("post",),
        allowed=("programme",),
        forbidden_role=("coordinator", "viewer", "nobody"),
        data=lambda w: {"year": "2031"},
        writes=True,
    ),
    ViewCase(
        "cooperation:event_detail",
        methods=("get",),
        allowed=EVERYONE,
        forbidden_role=("nobody",),
        **_EVENT,
    ),
    ViewCase(
        "cooperation:event_edit",
        forbidden_role=("viewer", "nobody"),
        data=_edit_data,
        writes=True,
        **_EVENT,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:event_transition",
        methods=("post",),
        forbidden_role=("viewer", "nobody"),
        data=lambda w: {"to": "held"},
        writes=True,
        **_EVENT,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:event_register",
        allowed=("manager_b", "programme", "student"),
        forbidden_role=("nobody",),
        data=lambda w: {"action": "self"},
        writes=True,
        **_EVENT,
    ),
    ViewCase(
        "cooperation:registration_cancel",
        kwargs=lambda w: {"pk": w.registration_a.pk},
        allowed=("person_user_a", "coordinator", "programme"),
        other_org=("manager_b", "coordinator_b"),
        forbidden_role=("nobody",),
        writes=True,
    ),
    ViewCase(
        "cooperation:event_qr",
        methods=("get",),
        forbidden_role=("viewer", "nobody"),
        **_EVENT,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:event_checkin",
        kwargs=lambda w: {"token": w.event_a.checkin_token},
        allowed=("person_user_a", "programme", "student"),
        forbidden_role=("nobody",),
        writes=True,
    ),
    ViewCase(
        "cooperation:event_attendance",
        forbidden_role=("viewer", "nobody"),
        data=lambda w: {"action": "ticks", "attended": [w.registration_a.pk]},
        writes=True,
        **_EVENT,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:event_certificates",
        kwargs=lambda w: {"pk": w.event_held.pk},
        forbidden_role=("viewer", "nobody"),
        writes=True,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:event_certificates_pdf",
        kwargs=lambda w: {"pk": w.event_held.pk},
        methods=("get",),
        allowed_status=302,
        forbidden_role=("viewer", "nobody"),
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:presentation_create",
        forbidden_role=("viewer", "nobody"),
        data=lambda w: {"title": "Tham luận mới", "authors": "TS. Lê Thị B", "order": "2"},
        writes=True,
        **_EVENT,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:presentation_edit",
        kwargs=lambda w: {"pk": w.presentation_a.pk},
        forbidden_role=("viewer", "nobody"),
        data=lambda w: {"title": "Tham luận (sửa)", "authors": "TS. Lê Thị B", "order": "1"},
        writes=True,
        **_MANAGE,
    ),
    ViewCase(
        "cooperation:proceedings",
        methods=("get",),
        allowed=("programme", "viewer", "student"),
        forbidden_role=("nobody",),
        **_EVENT,
    ),
)


@pytest.mark.parametrize("case", EVENT_CASES, ids=lambda c: c.id)
def test_event_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
