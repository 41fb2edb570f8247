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
