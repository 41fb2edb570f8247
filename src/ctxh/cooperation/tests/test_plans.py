"""Action plans and tasks: the deadline within the plan's year, a partner managing its own
tasks only, done with what was delivered and evidence, late tasks, progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from ctxh.cooperation.models import Task
from ctxh.cooperation.selectors.agreements import late_tasks, task_progress
from ctxh.cooperation.services.agreements import plan_create
from ctxh.cooperation.services.plans import task_move, task_save
from ctxh.core.models import AuditEvent
from ctxh.testing import database_snapshot

from .test_uploads import DOCX
from .world import PDF

pytestmark = pytest.mark.django_db


def _fields(w, **extra):
    year = w.plan.year
    return {
        "title": "Ngày CTXH Việt Nam",
        "area": "social_work_days",
        "owner": w.school,
        "deadline": dt.date(year, 3, 25),
        "expected_product": "Lễ kỷ niệm",
        **extra,
    }


def test_a_task_due_outside_its_plans_year_is_refused_in_vietnamese(permission_world):
    w = permission_world
    before = database_snapshot()
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        task_save(
            by=w.coordinator, plan=w.plan, **_fields(w, deadline=dt.date(w.plan.year + 1, 1, 5))
        )
    assert database_snapshot() == before
    message = error.value.message_dict["deadline"][0]
    assert f"nằm ngoài năm của kế hoạch ({w.plan.year})" in message
    assert f"05/01/{w.plan.year + 1}" in message


def test_the_form_shows_the_deadline_message_and_writes_nothing(permission_world):
    w = permission_world
    client = w.client("coordinator")
    before = database_snapshot()
    response = client.post(
        reverse("cooperation:task_create", args=[w.plan.pk]),
        {
            "title": "Sai hạn",
            "area": "training",
            "owner": w.school.pk,
            "deadline": f"01/01/{w.plan.year - 1}",
            "expected_product": "x",
        },
        headers={"accept-language": "vi"},
    )
    assert response.status_code == 200
    assert "nằm ngoài năm của kế hoạch" in response.content.decode()
    assert database_snapshot() == before


def test_a_partner_adds_tasks_for_its_own_organisation_only(permission_world):
    w = permission_world
    with pytest.raises(PermissionDenied):
        task_save(by=w.coordinator, plan=w.plan, **_fields(w, owner=w.school_b))
    task = task_save(by=w.coordinator, plan=w.plan, partners=[w.agency], **_fields(w))
    assert task.owner == w.school and list(task.partners.all()) == [w.agency]
    assert AuditEvent.objects.filter(action="task.create", object_id=str(task.pk)).exists()


def test_the_responsible_organisation_must_be_a_party(permission_world):
    w = permission_world
    with pytest.raises(ValidationError) as error:
        task_save(by=w.programme, plan=w.plan, **_fields(w, owner=w.facility_a))
    assert "owner" in error.value.message_dict


def test_a_partner_cannot_change_or_move_anothers_task(permission_world):
    w = permission_world
    before = database_snapshot()
    with pytest.raises(PermissionDenied):
        task_save(by=w.coordinator, task=w.task_b, title="Đổi tên")
    with pytest.raises(PermissionDenied):
        task_move(task=w.task_b, to=Task.Status.IN_PROGRESS, by=w.coordinator)
    assert database_snapshot() == before
    url = reverse("cooperation:task_edit", args=[w.task_b.pk])
    assert w.client("coordinator").get(url).status_code == 404
    # it still sees the other partner's task
    assert (
        w.client("coordinator")
        .get(reverse("cooperation:task_detail", args=[w.task_b.pk]))
        .status_code
        == 200
    )


def test_done_needs_what_was_delivered(permission_world):
    w = permission_world
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        task_move(task=w.task_a, to=Task.Status.DONE, by=w.coordinator, result="  ")
    assert "kết quả" in " ".join(error.value.messages)
    assert Task.objects.get(pk=w.task_a.pk).status == Task.Status.PLANNED


def test_done_with_evidence_through_the_page(permission_world):
    w = permission_world
    client = w.client("coordinator")
    response = client.post(
        reverse("cooperation:task_move", args=[w.task_a.pk]),
        {
            "to": "done",
            "result": "Tập huấn 52 người",
            "evidence": SimpleUploadedFile("ds.pdf", PDF),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(pk=w.task_a.pk)
    assert task.status == Task.Status.DONE and task.done_on == timezone.localdate()
    assert task.result == "Tập huấn 52 người"
    names = sorted(task.evidence.values_list("original_name", flat=True))
    assert names == ["ds.pdf", "minh-chung.pdf"]
    event = AuditEvent.objects.get(action="task.complete", object_id=str(task.pk))
    assert event.old_values["status"] == "planned" and event.new_values["status"] == "done"


def test_a_bad_evidence_file_leaves_the_task_as_it_was(permission_world):
    w = permission_world
    before = database_snapshot()
    with pytest.raises(ValidationError):
        task_move(
            task=w.task_a,
            to=Task.Status.DONE,
            by=w.coordinator,
            result="Xong",
            evidence=[SimpleUploadedFile("bien-ban.pdf", DOCX)],
        )
    assert database_snapshot() == before


def test_late_tasks_and_progress(permission_world):
    w = permission_world
    today = timezone.localdate()
    last_year = plan_create(agreement=w.agreement, year=today.year - 1, by=w.programme)
    late = Task.objects.create(
        plan=last_year,
        title="Quy trình tiếp nhận sinh viên",
        area="practice_network",
        owner=w.school_b,
        deadline=dt.date(today.year - 1, 6, 30),
        expected_product="Quy trình",
    )
    Task.objects.create(
        plan=last_year,
        title="Đã xong",
        area="training",
        owner=w.school,
        deadline=dt.date(today.year - 1, 6, 30),
        expected_product="Lớp",
        status=Task.Status.DONE,
        result="x",
    )
    assert late.is_late
    assert list(late_tasks(w.coordinator)) == [late]
    progress = task_progress(Task.objects.filter(plan=last_year))
    assert (progress.total, progress.done, progress.late, progress.percent) == (2, 1, 1, 50)
    page = w.client("programme").get(reverse("cooperation:late")).content.decode()
    assert "Quy trình tiếp nhận sinh viên" in page and "Đã xong" not in page
    home = w.client("programme").get(reverse("cooperation:index"))
    assert home.context["late_count"] == 1


def test_a_plan_year_outside_the_agreements_term_is_refused(permission_world):
    w = permission_world
    with pytest.raises(ValidationError):
        plan_create(agreement=w.agreement, year=w.agreement.starts_on.year - 1, by=w.programme)
    with pytest.raises(ValidationError):
        plan_create(agreement=w.agreement, year=w.plan.year, by=w.programme)  # already there
    with pytest.raises(PermissionDenied):
        plan_create(agreement=w.agreement, year=w.plan.year + 1, by=w.coordinator)


def test_a_task_links_to_the_training_class_that_delivers_it(permission_world):
    w = permission_world
    task = task_save(by=w.programme, task=w.task_a, delivered_by=w.training_class)
    assert Task.objects.get(pk=task.pk).delivered_by == w.training_class
    with pytest.raises(ValidationError):
        task_save(by=w.programme, task=w.task_a, delivered_by=w.person_a)


def test_the_plan_page_runs_a_constant_number_of_queries(
    permission_world, django_assert_max_num_queries
):
    w = permission_world
    for i in range(15):
        task_save(by=w.programme, plan=w.plan, **_fields(w, title=f"Việc {i}"))
    client = w.client("programme")
    url = reverse("cooperation:plan", args=[w.plan.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
