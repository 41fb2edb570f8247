"""The learning agreement: proposed by the student, approved by the field instructor and
the school, a new version after agreement needing all three again."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from ctxh.core.models import AuditEvent, Notification
from ctxh.practicum.models import AgreementGoal, AgreementVersion, LearningAgreement
from ctxh.practicum.services import agreement as svc
from ctxh.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the source language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


A = LearningAgreement.Status

GOALS = [
    {
        "competency": "Đánh giá nhu cầu",
        "goal": "Thực hiện 2 ca đánh giá",
        "activities": "Vãng gia, phỏng vấn",
        "timeframe": "Tuần 1–4",
    },
    {"competency": "", "goal": "", "activities": "", "timeframe": ""},  # blank: ignored
    {
        "competency": "Làm việc nhóm",
        "goal": "Điều phối 1 buổi sinh hoạt nhóm",
        "activities": "Chuẩn bị, điều phối",
        "timeframe": "Tuần 5–8",
    },
]


@pytest.fixture
def w(permission_world):
    LearningAgreement.objects.all().delete()
    return permission_world


def test_full_cycle_and_a_new_version(w, django_capture_on_commit_callbacks):
    student, placement = w.practising_student, w.placement_practice
    agreement = svc.agreement_save(placement=placement, goals=GOALS, by=student)
    assert agreement.status == A.DRAFT
    assert [g.competency for g in agreement.goals_of()] == ["Đánh giá nhu cầu", "Làm việc nhóm"]
    with pytest.raises(PermissionDenied):
        svc.agreement_save(placement=placement, goals=GOALS, by=w.instructor_a)
    with django_capture_on_commit_callbacks(execute=True):
        svc.agreement_propose(agreement=agreement, by=student)
    assert Notification.objects.filter(recipient__in=[w.instructor_a, w.coordinator]).count() == 2
    with pytest.raises(ValidationError, match="take it back"):
        svc.agreement_save(placement=placement, goals=GOALS[:1], by=student)
    with pytest.raises(ValidationError, match="your own"):
        svc.agreement_approve(agreement=agreement, by=student)
    with pytest.raises(PermissionDenied):
        svc.agreement_approve(agreement=agreement, by=w.instructor_a2)
    with pytest.raises(PermissionDenied):
        svc.agreement_approve(agreement=agreement, by=w.coordinator_b)

    agreement = svc.agreement_approve(agreement=agreement, by=w.instructor_a)
    assert agreement.status == A.PROPOSED and agreement.instructor_approved_by == w.instructor_a
    with pytest.raises(ValidationError, match="already"):
        svc.agreement_approve(agreement=agreement, by=w.instructor_a)
    agreement = svc.agreement_approve(agreement=agreement, by=w.coordinator)
    assert agreement.status == A.AGREED
    assert agreement.coordinator_approved_by == w.coordinator and agreement.agreed_at
    assert AuditEvent.objects.filter(action="learningagreement.agree").exists()

    # A change after agreement: version 2, draft, all three again; version 1 kept.
    agreement = svc.agreement_revise(agreement=agreement, by=student)
    assert (agreement.status, agreement.version) == (A.DRAFT, 2)
    assert agreement.instructor_approved_at is None and agreement.coordinator_approved_at is None
    archived = AgreementVersion.objects.get(agreement=agreement, number=1)
    assert archived.instructor_approved_by == w.instructor_a and archived.agreed_at
    svc.agreement_save(placement=placement, goals=GOALS[:1], by=student)
    assert AgreementGoal.objects.filter(agreement=agreement, version=1).count() == 2
    assert agreement.goals_of().count() == 1
    svc.agreement_propose(agreement=agreement, by=student)
    agreement = svc.agreement_approve(agreement=agreement, by=w.coordinator)
    assert agreement.status == A.PROPOSED  # the instructor has not approved version 2 yet
    agreement = svc.agreement_approve(agreement=agreement, by=w.instructor_a)
    assert agreement.status == A.AGREED and agreement.version == 2

    page = client_for(w.coordinator).get(reverse("practicum:agreement", args=[placement.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and "Làm việc nhóm" in text  # version 1 still readable


def test_proposing_needs_a_goal_and_reopen_needs_a_reason_from_approvers(w):
    student = w.practising_student
    agreement = svc.agreement_save(placement=w.placement_practice, goals=[], by=student)
    with pytest.raises(ValidationError, match="at least one goal"):
        svc.agreement_propose(agreement=agreement, by=student)
    with pytest.raises(ValidationError):
        svc.agreement_save(
            placement=w.placement_practice,
            goals=[{"competency": "x" * 201, "goal": "a", "activities": "b", "timeframe": "c"}],
            by=student,
        )
    svc.agreement_save(placement=w.placement_practice, goals=GOALS, by=student)
    svc.agreement_propose(agreement=agreement, by=student)
    with pytest.raises(ValidationError, match="change"):
        svc.agreement_reopen(agreement=agreement, by=w.instructor_a)
    agreement = svc.agreement_reopen(agreement=agreement, by=w.instructor_a, reason="Thêm mục tiêu")
    assert agreement.status == A.DRAFT


def test_the_page_saves_and_proposes(w):
    client = client_for(w.practising_student)
    url = reverse("practicum:agreement", args=[w.placement_practice.pk])
    assert client.get(url).status_code == 200
    data = {"op": "save", "propose": "1", "goals-TOTAL_FORMS": "2", "goals-INITIAL_FORMS": "0"}
    for i, goal in enumerate(GOALS[:2]):
        data.update({f"goals-{i}-{k}": v for k, v in goal.items()})
    response = client.post(url, data)
    assert response.status_code == 302
    agreement = LearningAgreement.objects.get(placement=w.placement_practice)
    assert agreement.status == A.PROPOSED and agreement.goals_of().count() == 1
    # A half-filled goal is an error on the page, nothing written.
    agreement.status = A.DRAFT
    agreement.save()
    bad = {**data, "goals-1-competency": "Chỉ có năng lực"}
    response = client.post(url, bad)
    assert response.status_code == 200
    assert any(form.non_field_errors() for form in response.context["formset"].forms)
    assert LearningAgreement.objects.get(pk=agreement.pk).status == A.DRAFT
