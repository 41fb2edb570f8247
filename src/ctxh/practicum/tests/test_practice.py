"""Part 2 of the practicum: supervision notes kept among their readers, rubrics whose
weights sum to 100 %, evaluations submitted once and blind until both sides are in, the
grade on the school's scale, completion (hours and final evaluation) with the completion
letter read back from its PDF and verified, interruption with a reason."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from ctxh.core.models import AuditEvent
from ctxh.documents import rendering
from ctxh.documents.models import Document, Kind
from ctxh.documents.tests.helpers import pdf_text
from ctxh.practicum.models import (
    Evaluation,
    Grade,
    Placement,
    Rubric,
    Student,
    SupervisionSession,
)
from ctxh.practicum.selectors.evaluations import visible_evaluations
from ctxh.practicum.selectors.hours import approved_hours
from ctxh.practicum.selectors.instructors import supervises
from ctxh.practicum.services import completion, evaluation, supervision
from ctxh.testing import client_for, make_user

pytestmark = pytest.mark.django_db

NOTE = "Ghi chú riêng: sinh viên lo lắng về ca khó."


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def _scores(w, value=4):
    return {c.pk: value for c in w.rubric_a.competencies.all()}


def _second_student_of_the_instructor(w):
    """Another student in practice with the same field instructor (school A)."""
    student = Student.objects.create(
        round=w.practice_a.student.round,
        user=make_user("student", w.school),
        student_code="SV7099",
        full_name="Hồ Văn Tâm",
        gender="male",
    )
    return Placement.objects.create(
        student=student,
        offer=w.practice_a.offer,
        period=w.practice_a.period,
        school=w.school,
        facility=w.facility_a,
        instructor=w.practice_a.instructor,
        status=Placement.Status.IN_PRACTICE,
        proposed_at=w.practice_a.proposed_at,
    )


# --- who is the instructor, hours -------------------------------------------------------


def test_instructor_and_hours_helpers(permission_world):
    w = permission_world
    assert supervises(w.instructor_a, w.practice_a)
    assert not supervises(w.manager_a, w.practice_a)
    assert not supervises(w.instructor_a, w.placement_b)
    assert approved_hours(w.practice_a) == Decimal(0)  # no logbook on this branch


# --- supervision ------------------------------------------------------------------------


def test_supervision_notes_reach_only_their_readers(permission_world):
    w = permission_world
    url = reverse("practicum:supervision", args=[w.practice_a.pk])
    for name in ("instructor_a", "practice_student_a", "coordinator"):
        page = w.client(name).get(url)
        assert page.status_code == 200 and NOTE in page.content.decode(), name
    # The facility's manager (not the instructor) and the programme office see the
    # session, not its topics and notes.
    for name in ("manager_a", "programme", "viewer"):
        page = w.client(name).get(url).content.decode()
        assert 'data-testid="sessions"' in page and NOTE not in page, name
        assert "Ca gia đình có bạo lực" not in page
        assert 'data-testid="notes-hidden"' in page
    # Another student of the same instructor, another facility, another school: 404.
    other = _second_student_of_the_instructor(w)
    for user in (other.student.user, w.manager_b, w.coordinator_b, w.student_b):
        assert client_for(user).get(url).status_code == 404


def test_group_session_is_seen_by_each_student_of_the_group_only(permission_world):
    w = permission_world
    other = _second_student_of_the_instructor(w)
    session = supervision.session_record(
        placement=w.practice_a,
        kind=SupervisionSession.Kind.SUPERVISION,
        format=SupervisionSession.Format.GROUP,
        group=[other],
        date=timezone.localdate(),
        duration_minutes=90,
        topics="Làm việc nhóm",
        notes="Nhóm thảo luận tốt.",
        by=w.instructor_a,
    )
    page = client_for(other.student.user).get(reverse("practicum:supervision", args=[other.pk]))
    assert "Nhóm thảo luận tốt." in page.content.decode()
    # The audit trail keeps lengths and ids, never the text.
    event = AuditEvent.objects.get(action="supervisionsession.create", object_id=str(session.pk))
    dumped = repr(event.new_values)
    assert "Nhóm thảo luận" not in dumped and "Làm việc nhóm" not in dumped
    assert event.new_values["notes_length"] == len("Nhóm thảo luận tốt.")
    assert event.new_values["group"] == [other.pk]


def test_supervision_refusals(permission_world):
    w = permission_world
    values = {
        "placement": w.practice_a,
        "kind": SupervisionSession.Kind.SUPERVISION,
        "date": timezone.localdate(),
        "duration_minutes": 60,
        "topics": "Chủ đề",
    }
    with pytest.raises(PermissionDenied):  # the manager is not the instructor
        supervision.session_record(**values, by=w.manager_a)
    with pytest.raises(PermissionDenied):  # the coordinator records liaison visits only
        supervision.session_record(**values, by=w.coordinator)
    before = SupervisionSession.objects.count()
    with pytest.raises(ValidationError) as error:
        supervision.session_record(
            **{**values, "date": timezone.localdate() + timezone.timedelta(days=3)},
            by=w.instructor_a,
        )
    assert "đã diễn ra" in " ".join(error.value.messages)
    with pytest.raises(ValidationError):  # a group of someone else's students
        supervision.session_record(
            **values, format="group", group=[w.placement_b], by=w.instructor_a
        )
    assert SupervisionSession.objects.count() == before
    visit = supervision.session_record(
        **{**values, "kind": SupervisionSession.Kind.LIAISON}, by=w.coordinator
    )
    assert visit.kind == "liaison"


# --- rubrics ----------------------------------------------------------------------------


def _rubric(w, weights, **extra):
    return evaluation.rubric_save(
        school=w.school,
        by=w.coordinator,
        name="Bảng mới",
        scale_min=1,
        scale_max=5,
        grade_min=Decimal(0),
        grade_max=Decimal(10),
        competencies=[{"name": f"Năng lực {i}", "weight": x} for i, x in enumerate(weights)],
        **extra,
    )


def test_rubric_weights_must_sum_to_100(permission_world):
    w = permission_world
    before = (Rubric.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        _rubric(w, [40, 30, 20])
    assert "90 %" in " ".join(error.value.messages)
    assert "đúng 100 %" in " ".join(error.value.messages)
    assert (Rubric.objects.count(), AuditEvent.objects.count()) == before
    assert Rubric.objects.get(pk=w.rubric_a.pk).active  # the old one untouched
    new = _rubric(w, [50, 50])
    assert new.active and not Rubric.objects.get(pk=w.rubric_a.pk).active
    with pytest.raises(PermissionDenied):  # another school's coordinator
        evaluation.rubric_save(
            school=w.school,
            by=w.coordinator_b,
            name="Không được",
            scale_min=1,
            scale_max=5,
            grade_min=Decimal(0),
            grade_max=Decimal(10),
            competencies=[{"name": "A", "weight": 100}],
        )


def test_rubric_weights_page_says_so(permission_world):
    w = permission_world
    from ctxh.practicum.tests.test_permissions import _rubric_data

    page = w.client("coordinator").post(
        reverse("practicum:rubric_create"), _rubric_data(w, **{"c-1-weight": "40"})
    )
    assert page.status_code == 200
    assert "90 %" in page.content.decode()
    assert not Rubric.objects.filter(name="Bảng tiêu chí mới").exists()


# --- evaluations ------------------------------------------------------------------------


def test_evaluation_submitted_twice_is_refused(permission_world):
    w = permission_world
    evaluation.evaluation_submit(
        placement=w.practice_a, kind="instructor_final", scores=_scores(w), by=w.instructor_a
    )
    before = (Evaluation.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        evaluation.evaluation_submit(
            placement=w.practice_a, kind="instructor_final", scores=_scores(w, 5), by=w.instructor_a
        )
    assert "đã được gửi" in " ".join(error.value.messages)
    assert (Evaluation.objects.count(), AuditEvent.objects.count()) == before


def test_evaluation_scores_on_the_scale(permission_world):
    w = permission_world
    bad = _scores(w)
    bad[next(iter(bad))] = 7
    with pytest.raises(ValidationError) as error:
        evaluation.evaluation_submit(
            placement=w.practice_a, kind="instructor_final", scores=bad, by=w.instructor_a
        )
    assert "từ 1 đến 5" in " ".join(error.value.messages)
    with pytest.raises(PermissionDenied):  # the student does not write the instructor's
        evaluation.evaluation_submit(
            placement=w.practice_a,
            kind="instructor_final",
            scores=_scores(w),
            by=w.practice_student_a,
        )
    done = evaluation.evaluation_submit(
        placement=w.practice_a, kind="instructor_final", scores=_scores(w, 5), by=w.instructor_a
    )
    assert done.score == Decimal("5.00")


def test_blindness_until_both_sides_have_submitted(permission_world):
    w = permission_world
    p = w.practice_a
    final = evaluation.evaluation_submit(
        placement=p, kind="instructor_final", scores=_scores(w), comment="Tốt", by=w.instructor_a
    )
    assert visible_evaluations(w.instructor_a, p) == [final]
    assert visible_evaluations(w.practice_student_a, p) == []
    assert visible_evaluations(w.coordinator, p) == [final]
    site = evaluation.evaluation_submit(
        placement=p, kind="student_site", rating=4, by=w.practice_student_a
    )
    # The student has not sent both of theirs: still blind either way.
    assert visible_evaluations(w.practice_student_a, p) == [site]
    assert visible_evaluations(w.instructor_a, p) == [final]
    assert visible_evaluations(w.manager_a, p) == [final]
    page = w.client("practice_student_a").get(reverse("practicum:evaluations", args=[p.pk]))
    assert 'data-testid="blind"' in page.content.decode()
    assert 'data-testid="evaluation-instructor_final"' not in page.content.decode()
    mine = evaluation.evaluation_submit(
        placement=p, kind="student_instructor", rating=5, by=w.practice_student_a
    )
    for user in (w.instructor_a, w.practice_student_a, w.manager_a, w.coordinator):
        assert visible_evaluations(user, p) == [final, site, mine]
    # Outsiders see nothing, even through the selector.
    other = _second_student_of_the_instructor(w)
    assert visible_evaluations(other.student.user, p) == []
    assert visible_evaluations(w.manager_b, p) == []
    page = w.client("practice_student_a").get(reverse("practicum:evaluations", args=[p.pk]))
    assert 'data-testid="evaluation-instructor_final"' in page.content.decode()


# --- grade ------------------------------------------------------------------------------


def test_grade_outside_the_scale_is_refused(permission_world):
    w = permission_world
    before = (Grade.objects.count(), AuditEvent.objects.count())
    for value in ("11", "-1", "abc", "8,555"):
        with pytest.raises(ValidationError) as error:
            evaluation.grade_record(placement=w.completed_a, value=value, by=w.coordinator)
        assert error.value.messages
    with pytest.raises(ValidationError) as error:
        evaluation.grade_record(placement=w.completed_a, value="10,5", by=w.coordinator)
    assert "từ 0 đến 10" in " ".join(error.value.messages)
    assert (Grade.objects.count(), AuditEvent.objects.count()) == before
    page = w.client("coordinator").post(
        reverse("practicum:grade", args=[w.completed_a.pk]), {"value": "12"}
    )
    assert page.status_code == 200 and "từ 0 đến 10" in page.content.decode()
    grade = evaluation.grade_record(placement=w.completed_a, value="8,5", by=w.coordinator)
    assert grade.value == Decimal("8.5")
    with pytest.raises(ValidationError):  # still in practice: no grade yet
        evaluation.grade_record(placement=w.practice_a, value="8", by=w.coordinator)


# --- completion -------------------------------------------------------------------------


def test_completion_needs_the_hours_and_the_final_evaluation(permission_world):
    w = permission_world
    p = w.practice_a
    before = (AuditEvent.objects.count(), Document.objects.count())
    with pytest.raises(ValidationError) as error:
        completion.placement_complete(placement=p, by=w.manager_a)
    text = " ".join(error.value.messages)
    assert "0 trên 200 giờ" in text and "đánh giá cuối kỳ" in text
    assert (AuditEvent.objects.count(), Document.objects.count()) == before
    p.refresh_from_db()
    assert p.status == Placement.Status.IN_PRACTICE
    # The page shows why, and the button is refused the same way.
    page = w.client("manager_a").get(reverse("practicum:placement_detail", args=[p.pk]))
    assert 'data-testid="completion-problems"' in page.content.decode()
    with pytest.raises(PermissionDenied):
        completion.placement_complete(placement=p, by=w.coordinator)


def test_completion_issues_the_letter_read_back_and_verified(permission_world, monkeypatch):
    w = permission_world
    p = w.practice_a
    monkeypatch.setattr(completion, "approved_hours", lambda placement: Decimal("201.5"))
    evaluation.evaluation_submit(
        placement=p, kind="instructor_final", scores=_scores(w), by=w.instructor_a
    )
    # Hours approved, final evaluation in: the instructor confirms (not a document issuer:
    # the letter is still the facility's).
    completion.placement_complete(placement=p, by=w.instructor_a)
    p.refresh_from_db()
    assert p.status == Placement.Status.COMPLETED and p.completed_at
    document = Document.objects.get(kind=Kind.COMPLETION)
    assert document.organization == w.facility_a and document.source == p
    event = AuditEvent.objects.get(action="placement.complete", object_id=str(p.pk))
    assert event.actor == w.instructor_a and event.new_values["approved_hours"] == "201,5"
    # The student downloads it; its text names the student, the facility, the hours.
    download = w.client("practice_student_a").get(
        reverse("practicum:letter_completion", args=[p.pk])
    )
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(download.content)
    flat = " ".join(text.split())
    for expected in (
        "Ngô Thị Lan",
        "SV7001",
        w.facility_a.name,
        "201,5 giờ thực hành",
        "yêu cầu của đợt: 200 giờ",
        "Võ Thị Kiểm",
        document.reference,
        document.code,
    ):
        assert expected in flat, expected
    assert "GIẤY XÁC NHẬN HOÀN THÀNH THỰC TẬP" in text
    pdf, warnings = rendering.compile_template(document.template, rendering.document_data(document))
    assert warnings == [] and pdf == download.content
    cache.clear()
    verify = Client().get(reverse("verify", kwargs={"code": document.code})).content.decode()
    assert 'data-testid="verify-valid"' in verify
    # Completing again is refused (already completed), nothing more issued.
    with pytest.raises(ValidationError):
        completion.placement_complete(placement=p, by=w.manager_a)
    assert Document.objects.filter(kind=Kind.COMPLETION).count() == 1


def test_start_and_interrupt(permission_world):
    w = permission_world
    p = w.accepted_a
    assert completion.placements_start_due() >= 1  # the round has begun
    p.refresh_from_db()
    assert p.status == Placement.Status.IN_PRACTICE and p.started_at
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        completion.placement_interrupt(placement=p, reason="  ", by=w.coordinator)
    assert "lý do" in " ".join(error.value.messages)
    assert AuditEvent.objects.count() == before
    with pytest.raises(PermissionDenied):
        completion.placement_interrupt(placement=p, reason="x", by=w.viewer)
    completion.placement_interrupt(placement=p, reason="Sinh viên chuyển trường", by=w.coordinator)
    p.refresh_from_db()
    assert p.status == Placement.Status.INTERRUPTED
    assert p.interrupt_reason == "Sinh viên chuyển trường"
    # The history stays; the student may be placed again (no longer active).
    assert SupervisionSession.objects.filter(placement=w.practice_a).exists()
    assert p.status not in Placement.ACTIVE
    page = w.client("coordinator").get(reverse("practicum:placement_detail", args=[p.pk]))
    assert "Sinh viên chuyển trường" in page.content.decode()


# --- the board ----------------------------------------------------------------------------


def test_board_sections_of_part_two(permission_world):
    w = permission_world
    url = reverse("practicum:board") + f"?period={w.practice_period.pk}"
    facility = w.client("manager_a").get(url).content.decode()
    assert 'data-testid="current-students"' in facility and "Ngô Thị Lan" in facility
    school = w.client("coordinator").get(url).content.decode()
    assert 'data-testid="awaiting-final"' in school
    assert reverse("practicum:grade", args=[w.completed_a.pk]) in school  # grade due
    student = w.client("practice_student_a").get(url).content.decode()
    due = reverse("practicum:evaluation_submit", args=[w.practice_a.pk, "student_site"])
    assert 'data-testid="student-evaluations-due"' in student and due in student
