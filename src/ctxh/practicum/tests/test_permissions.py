"""The permission matrix of the practicum pages (see ``ctxh.testing``)."""

import pytest

from ctxh.practicum.models import AllocationRun
from ctxh.testing import ViewCase, assert_view_permissions, register

pytestmark = pytest.mark.django_db

CASES = register(
    ViewCase(
        "practicum:board",
        allowed=("programme", "viewer", "manager_a", "coordinator", "student", "instructor_a"),
        forbidden_role=("ward_officer_a", "nobody"),
    ),
)

# --- allocation ---
_office_only = ("manager_a", "coordinator", "student", "instructor_a", "nobody")
CASES += register(
    ViewCase(
        "practicum:runs",
        kwargs=lambda w: {"period_pk": w.past_period.pk},
        allowed=("programme", "viewer"),
        forbidden_role=_office_only,
        data=lambda w: {"kind": "second", "seed": "7", "note": "Bổ sung"},
        writes=AllocationRun,
        label="second allocation",
    ),
    ViewCase(
        "practicum:runs",
        kwargs=lambda w: {"period_pk": w.period.pk},
        allowed=("programme", "viewer"),
        forbidden_role=_office_only,
        data=lambda w: {"kind": "main", "seed": "1"},
        # The period still takes preferences: the form says so, nothing is written.
        allowed_status=200,
        label="preferences still open",
    ),
    ViewCase(
        "practicum:run_detail",
        kwargs=lambda w: {"pk": w.run_ready.pk},
        allowed=("programme", "viewer"),
        forbidden_role=_office_only,
        methods=("get",),
    ),
    ViewCase(
        "practicum:run_compare",
        kwargs=lambda w: {"period_pk": w.past_period.pk},
        allowed=("programme", "viewer"),
        forbidden_role=_office_only,
        methods=("get",),
    ),
    ViewCase(
        "practicum:run_commit",
        kwargs=lambda w: {"pk": w.run_ready.pk},
        allowed=("programme",),
        forbidden_role=("viewer", *_office_only),
        methods=("post",),
        writes=True,
    ),
    ViewCase(
        "practicum:run_export",
        kwargs=lambda w: {"pk": w.run_ready.pk},
        allowed=("programme", "viewer"),
        forbidden_role=_office_only,
        methods=("get",),
        logs=("allocationrun.export",),
    ),
    ViewCase(
        "practicum:placement_move",
        kwargs=lambda w: {"pk": w.placement_b.pk},
        allowed=("programme",),
        # Facility A and school A do not see school B's student at facility B.
        other_org=("manager_a", "coordinator", "student_b"),
        forbidden_role=("manager_b", "coordinator_b", "viewer"),
        data=lambda w: {"offer": w.placement_a.offer_id, "reason": "Cơ sở B quá tải"},
        writes=True,
    ),
)


# --- offers and preferences ---
CASES += register(
    ViewCase(
        "practicum:offers",
        allowed=("programme", "viewer", "manager_a", "coordinator", "student", "instructor_a"),
        forbidden_role=("ward_officer_a", "nobody"),
        methods=("get",),
    ),
    ViewCase(
        "practicum:offer_create",
        allowed=("manager_a", "programme"),
        forbidden_role=("coordinator", "student", "viewer"),
        data=lambda w: {
            "period": w.period.pk,
            "facility": w.facility_a.pk,
            "practice_type": "casework",
            "level": "university_4",
            "seats": "2",
            "instructors": [w.period_instructor_a.pk],
        },
        writes=True,
        label="facility",
    ),
    ViewCase(
        "practicum:offer_edit",
        kwargs=lambda w: {"pk": w.offer_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("coordinator", "student", "viewer"),
        data=lambda w: {
            "period": w.period.pk,
            "facility": w.facility_a.pk,
            "practice_type": "casework",
            "level": "university_3",
            "seats": "5",
            "instructors": [w.period_instructor_a.pk],
            "notes": "Mang theo thẻ sinh viên.",
        },
        writes=True,
    ),
    ViewCase(
        "practicum:offer_publish",
        kwargs=lambda w: {"pk": w.offer_draft_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("coordinator", "student", "viewer"),
        methods=("post",),
        writes=True,
    ),
    ViewCase(
        "practicum:offer_withdraw",
        kwargs=lambda w: {"pk": w.offer_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("coordinator", "student", "viewer"),
        data=lambda w: {"reason": "Cơ sở đang sửa chữa."},
        writes=True,
    ),
    ViewCase(
        "practicum:period_instructors",
        kwargs=lambda w: {"period_pk": w.period.pk},
        allowed=("manager_a", "programme"),
        forbidden_role=("coordinator", "student", "viewer", "instructor_a"),
        data=lambda w: {
            "op": "add",
            "facility": w.facility_a.pk,
            "instructor": w.field_instructor_a.pk,
            "capacity": "4",
        },
        writes=True,
    ),
    ViewCase(
        "practicum:period_instructors",
        kwargs=lambda w: {"period_pk": w.period.pk},
        allowed=("manager_a",),
        forbidden_role=("coordinator",),
        data=lambda w: {
            "op": "remove",
            "facility": w.facility_a.pk,
            "row": w.period_instructor_a.pk,
        },
        writes=True,
        label="remove",
    ),
    ViewCase(
        "practicum:my_preferences",
        allowed=("student",),
        forbidden_role=("manager_a", "viewer", "instructor_a", "nobody"),
        data=lambda w: {"op": f"remove:{w.offer_a.pk}"},
        writes=True,
    ),
    ViewCase(
        "practicum:student_preferences",
        kwargs=lambda w: {"pk": w.pstudent_a.pk},
        allowed=("coordinator", "programme", "student"),
        other_org=("coordinator_b", "student_b"),
        forbidden_role=("manager_a", "viewer", "nobody"),
        data=lambda w: {"op": f"remove:{w.offer_a.pk}"},
        writes=True,
    ),
)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- network, periods, rounds, students ---
PROCEDURE = ("programme", "viewer", "manager_a", "coordinator", "student", "instructor_a")
OUTSIDE = ("ward_officer_a", "nobody")
SCHOOL_KEEPERS = ("coordinator", "programme")
NOT_SCHOOL = ("viewer", "manager_a", "student", "nobody")


def _site_data(w):
    return {
        "practice_types": ["casework"],
        "levels": ["university_3", "university_4"],
        "gender_requirement": "",
        "language_required": "",
        "requirements": "Sinh viên mặc đồng phục.",
        "address": "1 Đường Thử",
        "contact_name": "Cô Lan",
        "contact_phone": "0901234567",
        "contact_email": "",
        "active": "on",
    }


def _period_data(w):
    return {
        "name": "Kỳ thực tập mới",
        "starts_on": "01/09/2030",
        "ends_on": "31/12/2030",
        "preference_deadline": "01/08/2030 17:00",
        "acceptance_deadline": "20/08/2030 17:00",
        "max_choices": 5,
        "reminder_days": 3,
    }


def _round_data(w):
    return {
        "period": w.period.pk,
        "school": w.school.pk,
        "name": "Đợt công tác xã hội nhóm",
        "practice_type": "group_work",
        "level": "university_3",
        "starts_on": w.period.starts_on.strftime("%d/%m/%Y"),
        "ends_on": w.period.ends_on.strftime("%d/%m/%Y"),
        "required_hours": 180,
    }


def _student_data(w):
    return {
        "student_code": "SV0099",
        "full_name": "Trần Thị Thu",
        "gender": "female",
        "date_of_birth": "15/04/2003",
        "email": "",
        "phone": "0912345678",
        "languages": "",
        "notes": "",
    }


NETWORK_CASES = register(
    ViewCase("practicum:network", methods=("get",), allowed=PROCEDURE, forbidden_role=OUTSIDE),
    ViewCase(
        "practicum:site_detail",
        kwargs=lambda w: {"pk": w.facility_a.pk},
        methods=("get",),
        allowed=PROCEDURE,
        forbidden_role=OUTSIDE,
    ),
    ViewCase(
        "practicum:site_edit",
        kwargs=lambda w: {"pk": w.facility_a.pk},
        data=_site_data,
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=("viewer", "coordinator", "student", "ward_officer_a", "nobody"),
        writes=True,
    ),
    ViewCase("practicum:periods", methods=("get",), allowed=PROCEDURE, forbidden_role=OUTSIDE),
    ViewCase(
        "practicum:period_create",
        data=_period_data,
        allowed=("programme",),
        forbidden_role=("viewer", "coordinator", "manager_a", "student", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:period_detail",
        kwargs=lambda w: {"pk": w.period.pk},
        methods=("get",),
        allowed=PROCEDURE,
        forbidden_role=OUTSIDE,
    ),
    ViewCase(
        "practicum:period_edit",
        kwargs=lambda w: {"pk": w.period.pk},
        data=lambda w: (
            {**_period_data(w), "starts_on": w.period.starts_on.strftime("%d/%m/%Y")}
            | {"ends_on": w.period.ends_on.strftime("%d/%m/%Y")}
            | {
                "preference_deadline": "01/01/2030 17:00",
                "acceptance_deadline": "02/01/2030 17:00",
            }
        ),
        allowed=("programme",),
        forbidden_role=("viewer", "coordinator", "manager_a", "student", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:period_transition",
        kwargs=lambda w: {"pk": w.period.pk},
        methods=("post",),
        data=lambda w: {"to": "allocation", "reason": "Hết hạn nguyện vọng"},
        allowed=("programme",),
        forbidden_role=("viewer", "coordinator", "manager_a", "student", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:round_list",
        methods=("get",),
        allowed=("programme", "viewer", "coordinator"),
        forbidden_role=("manager_a", "student", "nobody"),
    ),
    ViewCase(
        "practicum:round_create",
        data=_round_data,
        allowed=SCHOOL_KEEPERS,
        forbidden_role=NOT_SCHOOL,
        writes=True,
    ),
    ViewCase(
        "practicum:round_detail",
        kwargs=lambda w: {"pk": w.round_a.pk},
        methods=("get",),
        allowed=("programme", "viewer", "coordinator"),
        other_org=("coordinator_b",),
        forbidden_role=("manager_a", "student", "nobody"),
    ),
    ViewCase(
        "practicum:round_export",
        kwargs=lambda w: {"pk": w.round_a.pk},
        methods=("get",),
        allowed=("programme", "viewer", "coordinator"),
        other_org=("coordinator_b",),
        forbidden_role=("manager_a", "student", "nobody"),
    ),
    ViewCase(
        "practicum:round_edit",
        kwargs=lambda w: {"pk": w.round_a.pk},
        data=lambda w: {**_round_data(w), "name": "Đợt CTXH cá nhân (sửa)"},
        allowed=SCHOOL_KEEPERS,
        other_org=("coordinator_b",),
        forbidden_role=NOT_SCHOOL,
        writes=True,
    ),
    ViewCase(
        "practicum:student_create",
        kwargs=lambda w: {"round_pk": w.round_a.pk},
        data=_student_data,
        allowed=SCHOOL_KEEPERS,
        other_org=("coordinator_b",),
        forbidden_role=NOT_SCHOOL,
        writes=True,
    ),
    ViewCase(
        "practicum:student_edit",
        kwargs=lambda w: {"pk": w.pstudent_a.pk},
        data=lambda w: {**_student_data(w), "full_name": "Lê Thị Hoa Mai", "gender": "female"},
        allowed=SCHOOL_KEEPERS,
        other_org=("coordinator_b",),
        forbidden_role=NOT_SCHOOL,
        writes=True,
    ),
)


@pytest.mark.parametrize("case", NETWORK_CASES, ids=lambda c: c.id)
def test_network_period_round_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- letters ------------------------------------------------------------------------------
# The practicum's letters (views/letters.py): the school's referral letters, the facility's
# acceptance letter. GET shows the page with the button (or downloads the letter once
# issued); POST issues it. The placement's own student reads, never issues (POST → 403).


def _accepted_placement_a(w):
    """An accepted placement of school A's student at facility A (past period)."""
    from ctxh.practicum.models import Placement, Round, Student
    from ctxh.testing import make_user

    rnd = Round.objects.get(period=w.past_period, school=w.school)
    student = Student.objects.create(
        round=rnd,
        user=make_user("student", w.school),
        student_code="SV1099",
        full_name="Trương Thị Thu",
        gender="female",
    )
    placement = Placement.objects.create(
        student=student,
        offer=w.placement_a.offer,
        period=w.past_period,
        school=w.school,
        facility=w.facility_a,
        run=w.run_past,
        rank=1,
        status=Placement.Status.ACCEPTED,
        proposed_at=w.placement_a.proposed_at,
        decided_at=w.placement_a.proposed_at,
        decided_by=w.manager_a,
    )
    w.accepted_student_user = student.user
    return {"pk": placement.pk}


def _own_placement_a(w):
    """placement_a, now belonging to the world's ``student`` user (school A)."""
    student = w.placement_a.student
    student.user = w.student
    student.save()
    return {"pk": w.placement_a.pk}


LETTER_CASES = register(
    ViewCase(
        "practicum:letter_referral",
        kwargs=lambda w: {"pk": w.placement_a.pk},
        allowed=("coordinator", "programme"),
        other_org=("coordinator_b", "manager_a", "manager_b", "student_b"),
        forbidden_role=("viewer", "instructor_a", "ward_officer_a", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:letter_referral",
        kwargs=_own_placement_a,
        allowed=("student",),
        allowed_status={"get": 200, "post": 403},
        other_org=("student_b",),
        forbidden_role=("ward_officer_a", "nobody"),
        label="own student",
    ),
    ViewCase(
        "practicum:letter_acceptance",
        kwargs=_accepted_placement_a,
        allowed=("manager_a", "programme"),
        other_org=("manager_b", "coordinator", "coordinator_b", "student_b"),
        forbidden_role=("viewer", "instructor_a", "ward_officer_a", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:letter_referral_list",
        kwargs=lambda w: {"period_pk": w.past_period.pk, "facility_pk": w.facility_a.pk},
        allowed=("coordinator",),
        other_org=("coordinator_b", "manager_a", "manager_b"),
        forbidden_role=("viewer", "student", "instructor_a", "ward_officer_a", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:letter_referral_list",
        kwargs=lambda w: {"period_pk": w.past_period.pk, "facility_pk": w.facility_a.pk},
        allowed=("programme",),
        other_org=("coordinator_b",),
        forbidden_role=("viewer", "nobody"),
        writes=True,
        label="programme office",
    ),
)


@pytest.mark.parametrize("case", LETTER_CASES, ids=lambda c: c.id)
def test_letter_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- acceptance ---
# The facility pages show the user's own facility (or, for the programme office, a list to
# choose from); another facility asked by ``?facility=`` is a 404, tested in
# test_acceptance_views.py (the matrix's query cannot name a world's object).
FACILITY_ONLY = ("coordinator", "student", "ward_officer_a", "nobody")


def _accept_one(w):
    pk = w.placement_a.pk
    return {"action": "accept", "placement": [pk], f"instructor_{pk}": w.past_instructor_a.pk}


ACCEPTANCE_CASES = register(
    ViewCase(
        "practicum:proposals",
        data=_accept_one,
        allowed=("manager_a", "programme"),
        forbidden_role=(*FACILITY_ONLY, "instructor_a", "viewer"),
        writes=True,
    ),
    ViewCase(
        "practicum:placement_detail",
        kwargs=lambda w: {"pk": w.placement_a.pk},
        methods=("get",),
        allowed=(
            "past_student_a",
            "coordinator",
            "manager_a",
            "instructor_a",
            "programme",
            "viewer",
        ),
        other_org=("student", "coordinator_b", "manager_b", "student_b"),
        forbidden_role=("ward_officer_a", "nobody"),
    ),
    ViewCase(
        "practicum:placement_accept",
        kwargs=lambda w: {"pk": w.placement_a.pk},
        methods=("post",),
        data=lambda w: {"instructor": w.past_instructor_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=(*FACILITY_ONLY, "instructor_a", "viewer"),
        writes=True,
    ),
    ViewCase(
        "practicum:placement_decline",
        kwargs=lambda w: {"pk": w.placement_a.pk},
        methods=("post",),
        data=lambda w: {"reason": "Không đủ người hướng dẫn trong tháng này"},
        allowed=("manager_a", "programme"),
        other_org=("manager_b",),
        forbidden_role=(*FACILITY_ONLY, "instructor_a", "viewer"),
        writes=True,
    ),
    ViewCase(
        "practicum:accepted",
        methods=("get",),
        allowed=("manager_a", "instructor_a", "programme", "viewer"),
        forbidden_role=FACILITY_ONLY,
    ),
    ViewCase(
        "practicum:accepted",
        label="xlsx",
        methods=("get",),
        query={"format": "xlsx"},
        allowed=("manager_a", "instructor_a"),
        forbidden_role=FACILITY_ONLY,
        logs=("placement.export",),
    ),
    ViewCase(
        "practicum:overdue",
        methods=("get",),
        allowed=("programme",),
        forbidden_role=("manager_a", "coordinator", "viewer", "instructor_a", "student"),
    ),
    ViewCase(
        "practicum:remind",
        methods=("post",),
        data=lambda w: {"period": w.past_period.pk, "facility": w.facility_a.pk},
        allowed=("programme",),
        forbidden_role=("manager_a", "coordinator", "viewer", "instructor_a", "student"),
        writes=True,
    ),
)


@pytest.mark.parametrize("case", ACCEPTANCE_CASES, ids=lambda c: c.id)
def test_acceptance_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- supervision, evaluations, completion ---
# The world's ``practice_a`` is in practice at facility A, supervised by ``instructor_a``
# (school A); ``accepted_a`` waits to start; ``completed_a`` is completed. Another student
# (even of the same instructor), facility B and school B do not see them (404).
ON_PRACTICE = ("practice_student_a", "instructor_a", "manager_a", "coordinator", "programme")
NOT_THEIRS = ("student", "student_b", "manager_b", "coordinator_b")


def _session_data(w):
    return {
        "kind": "supervision",
        "format": "individual",
        "date": w.session_a.date.strftime("%d/%m/%Y"),
        "duration_minutes": "45",
        "topics": "Kỹ năng lắng nghe",
        "notes": "Sinh viên tiến bộ.",
    }


def _rubric_data(w, **extra):
    return {
        "school": w.school.pk,
        "name": "Bảng tiêu chí mới",
        "scale_min": "1",
        "scale_max": "5",
        "grade_min": "0",
        "grade_max": "10",
        "midterm": "on",
        "active": "on",
        "c-0-name": "Đạo đức nghề nghiệp",
        "c-0-description": "",
        "c-0-weight": "50",
        "c-1-name": "Kỹ năng",
        "c-1-description": "",
        "c-1-weight": "50",
        **extra,
    }


def _final_scores(w):
    return {f"score-{c.pk}": "4" for c in w.rubric_a.competencies.all()} | {"comment": "Tốt"}


PRACTICE_CASES = register(
    ViewCase(
        "practicum:supervision",
        kwargs=lambda w: {"pk": w.practice_a.pk},
        methods=("get",),
        allowed=(*ON_PRACTICE, "viewer"),
        other_org=NOT_THEIRS,
        forbidden_role=("ward_officer_a", "nobody"),
    ),
    ViewCase(
        "practicum:supervision_add",
        kwargs=lambda w: {"pk": w.practice_a.pk},
        data=_session_data,
        allowed=("instructor_a", "coordinator"),
        other_org=("coordinator_b",),
        forbidden_role=("manager_a", "practice_student_a", "viewer", "programme", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:supervision_edit",
        kwargs=lambda w: {"pk": w.session_a.pk},
        data=_session_data,
        allowed=("instructor_a",),
        # The school's coordinator records liaison visits, not the instructor's sessions.
        other_org=("coordinator_b", "coordinator"),
        forbidden_role=("manager_a", "practice_student_a", "viewer", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:rubrics",
        methods=("get",),
        allowed=("coordinator", "programme", "viewer"),
        forbidden_role=("manager_a", "student", "instructor_a", "nobody"),
    ),
    ViewCase(
        "practicum:rubric_create",
        data=_rubric_data,
        allowed=("coordinator",),
        forbidden_role=("programme", "manager_a", "student", "instructor_a", "viewer"),
        writes=True,
    ),
    ViewCase(
        "practicum:rubric_edit",
        kwargs=lambda w: {"pk": w.rubric_a.pk},
        # Already used by an evaluation: the same competencies, a new name.
        data=lambda w: (
            {k: v for k, v in _rubric_data(w, name="Bảng tiêu chí (sửa)").items() if k[:2] != "c-"}
            | {
                f"c-{i}-{field}": getattr(c, field)
                for i, c in enumerate(w.rubric_a.competencies.all())
                for field in ("name", "description", "weight")
            }
        ),
        allowed=("coordinator",),
        other_org=("coordinator_b",),
        forbidden_role=("programme", "manager_a", "student", "viewer"),
        writes=True,
    ),
    ViewCase(
        "practicum:evaluations",
        kwargs=lambda w: {"pk": w.practice_a.pk},
        methods=("get",),
        allowed=(*ON_PRACTICE, "viewer"),
        other_org=NOT_THEIRS,
        forbidden_role=("ward_officer_a", "nobody"),
    ),
    ViewCase(
        "practicum:evaluation_submit",
        kwargs=lambda w: {"pk": w.practice_a.pk, "kind": "instructor_final"},
        data=_final_scores,
        allowed=("instructor_a",),
        other_org=("student_b",),
        forbidden_role=("manager_a", "coordinator", "viewer", "programme", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:evaluation_submit",
        kwargs=lambda w: {"pk": w.practice_a.pk, "kind": "student_site"},
        data=lambda w: {"rating": "5", "comment": "Cơ sở thân thiện."},
        allowed=("practice_student_a",),
        other_org=("student", "student_b"),
        forbidden_role=("manager_a", "coordinator", "viewer", "nobody"),
        writes=True,
        label="student",
    ),
    ViewCase(
        "practicum:grade",
        kwargs=lambda w: {"pk": w.completed_a.pk},
        data=lambda w: {"value": "8,5"},
        allowed=("coordinator",),
        other_org=("coordinator_b",),
        forbidden_role=("manager_a", "instructor_a", "student", "viewer", "programme"),
        writes=True,
    ),
    ViewCase(
        "practicum:placement_start",
        kwargs=lambda w: {"pk": w.accepted_a.pk},
        methods=("post",),
        allowed=("manager_a",),
        other_org=("manager_b", "coordinator_b", "practice_student_a"),
        forbidden_role=("coordinator", "viewer"),
        writes=True,
    ),
    ViewCase(
        "practicum:placement_start",
        kwargs=lambda w: {"pk": w.accepted_a.pk},
        methods=("post",),
        allowed=("instructor_a",),
        other_org=("manager_b",),
        forbidden_role=("viewer",),
        writes=True,
        label="own instructor",
    ),
    ViewCase(
        "practicum:placement_complete",
        kwargs=lambda w: {"pk": w.practice_a.pk},
        methods=("post",),
        # No hour approved in the world: refused with a message, nothing written (the
        # completion itself: test_practice.py).
        allowed=("manager_a",),
        allowed_status=302,
        other_org=("manager_b", "coordinator_b"),
        forbidden_role=("coordinator", "viewer", "practice_student_a"),
        label="hours missing",
    ),
    ViewCase(
        "practicum:placement_interrupt",
        kwargs=lambda w: {"pk": w.practice_a.pk},
        methods=("post",),
        data=lambda w: {"reason": "Sinh viên xin bảo lưu vì lý do sức khỏe."},
        allowed=("coordinator", "manager_a", "programme"),
        other_org=("manager_b", "coordinator_b"),
        forbidden_role=("viewer", "practice_student_a"),
        writes=True,
    ),
    ViewCase(
        "practicum:letter_completion",
        kwargs=lambda w: {"pk": w.completed_a.pk},
        allowed=("manager_a", "programme"),
        other_org=("manager_b", "coordinator", "coordinator_b", "student_b"),
        forbidden_role=("viewer", "instructor_a", "ward_officer_a", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:letter_completion",
        kwargs=lambda w: {"pk": w.completed_a.pk},
        allowed=("completed_student",),
        allowed_status={"get": 200, "post": 403},
        other_org=("student",),
        forbidden_role=("ward_officer_a", "nobody"),
        label="own student",
    ),
)


@pytest.mark.parametrize("case", PRACTICE_CASES, ids=lambda c: c.id)
def test_practice_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- logbook and agreement ---
# The logbook of ``placement_practice`` (school A's student at facility A, supervised by
# instructor_a): everyone of the placement reads it; the student writes; only its field
# instructor decides. Another field instructor of the same facility, the other school and
# facility, and other students get 404.
NOT_THIS_PLACEMENT = ("student", "student_b", "coordinator_b", "manager_b", "instructor_a2")
READERS = ("instructor_a", "coordinator", "manager_a", "programme", "viewer")


def _entry_data(w):
    return {
        "date": (w.entry_submitted.date).isoformat(),
        "hours": "2.5",
        "activity": "group_work",
        "description": "Sinh hoạt nhóm trẻ",
        "client_id": "6f1c1f0e-8a43-4d8e-9d0b-0b3f0e6c2a11",
    }


def _week_of_submitted(w):
    import datetime as dt

    day = w.entry_submitted.date
    return {"op": "week", "week": (day - dt.timedelta(days=day.weekday())).isoformat()}


LOGBOOK_CASES = register(
    ViewCase(
        "practicum:logbook",
        kwargs=lambda w: {"pk": w.placement_practice.pk},
        allowed=("practising_student", *READERS),
        other_org=NOT_THIS_PLACEMENT,
        forbidden_role=("ward_officer_a", "nobody"),
        data=_entry_data,
        writes=True,
    ),
    ViewCase(
        "practicum:logentry_edit",
        kwargs=lambda w: {"pk": w.entry_submitted.pk},
        allowed=("practising_student",),
        other_org=NOT_THIS_PLACEMENT,
        forbidden_role=(*READERS, "ward_officer_a", "nobody"),
        data=lambda w: {**_entry_data(w), "hours": "5"},
        writes=True,
    ),
    ViewCase(
        "practicum:logentry_edit",
        kwargs=lambda w: {"pk": w.entry_approved.pk},
        allowed=("practising_student",),
        other_org=NOT_THIS_PLACEMENT,
        forbidden_role=(*READERS, "nobody"),
        data=lambda w: {**_entry_data(w), "date": w.entry_approved.date.isoformat()},
        writes=True,
        label="correction",
    ),
    ViewCase(
        "practicum:logentry_submit",
        kwargs=lambda w: {"pk": w.entry_draft.pk},
        methods=("post",),
        allowed=("practising_student",),
        other_org=NOT_THIS_PLACEMENT,
        forbidden_role=(*READERS, "ward_officer_a", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:logentry_decide",
        kwargs=lambda w: {"pk": w.entry_submitted.pk},
        methods=("post",),
        data=lambda w: {"action": "approve"},
        allowed=("instructor_a",),
        other_org=NOT_THIS_PLACEMENT,
        forbidden_role=("practising_student", "coordinator", "manager_a", "programme", "nobody"),
        writes=True,
    ),
    ViewCase(
        "practicum:logentry_decide",
        kwargs=lambda w: {"pk": w.entry_submitted.pk},
        methods=("post",),
        data=lambda w: {"action": "return", "comment": "Ghi rõ mục tiêu buổi vãng gia"},
        allowed=("instructor_a",),
        other_org=("instructor_a2", "manager_b"),
        forbidden_role=("practising_student", "viewer"),
        writes=True,
        label="return",
    ),
    ViewCase(
        "practicum:approvals",
        allowed=("instructor_a", "instructor_a2"),
        forbidden_role=("practising_student", "coordinator", "manager_a", "programme", "nobody"),
        data=_week_of_submitted,
        writes=True,
    ),
    ViewCase(
        "practicum:agreement",
        kwargs=lambda w: {"pk": w.placement_practice.pk},
        allowed=("practising_student", *READERS),
        other_org=NOT_THIS_PLACEMENT,
        forbidden_role=("ward_officer_a", "nobody"),
        data=lambda w: {"op": "reopen"},
        writes=True,
    ),
    ViewCase(
        "practicum:agreement",
        kwargs=lambda w: {"pk": w.placement_practice.pk},
        allowed=("instructor_a", "coordinator"),
        other_org=("instructor_a2", "coordinator_b", "manager_b"),
        forbidden_role=("ward_officer_a", "nobody"),
        data=lambda w: {"op": "approve"},
        writes=True,
        label="approve",
    ),
)


@pytest.mark.parametrize("case", LOGBOOK_CASES, ids=lambda c: c.id)
def test_logbook_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)


# --- comparisons ---
_comparers = ("programme", "viewer", "manager_a", "coordinator", "instructor_a")
COMPARISON_CASES = [
    ViewCase(
        name,
        allowed=_comparers,
        forbidden_role=("student", "ward_officer_a", "nobody"),
        methods=("get",),
        query=query,
        label=label,
    )
    for name in ("practicum:compare_facilities", "practicum:compare_instructors")
    for query, label in ((None, ""), ({"format": "xlsx"}, "xlsx"))
] + [
    ViewCase(
        "practicum:compare_schools",
        allowed=("programme", "viewer", "coordinator"),
        forbidden_role=("manager_a", "instructor_a", "student", "ward_officer_a", "nobody"),
        methods=("get",),
        query=query,
        label=label,
    )
    for query, label in ((None, ""), ({"format": "xlsx"}, "xlsx"))
]
COMPARISON_CASES.append(
    ViewCase(
        "practicum:placements",
        allowed=(*_comparers, "student"),
        forbidden_role=("ward_officer_a", "nobody"),
        methods=("get",),
    )
)
COMPARISON_CASES = register(*COMPARISON_CASES)


@pytest.mark.parametrize("case", COMPARISON_CASES, ids=lambda c: c.id)
def test_comparison_permissions(case, permission_world):
    assert_view_permissions(case, permission_world)
