"""The one transition mechanism, tried on a concrete model: Job."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation

from ctxh.core.models import AuditEvent, Job
from ctxh.core.scoping import SYSTEM
from ctxh.core.transitions import (
    IllegalTransition,
    Transition,
    available_transitions,
    transition,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(facility_a, manager_a):
    return Job.objects.create(
        kind="test.kind",
        title="Xuất danh sách",
        created_by=manager_a,
        organization_id=facility_a.pk,
    )


def test_a_legal_move_saves_and_audits_from_and_to(job, facility_a):
    started = timezone.now()
    returned = transition(
        job,
        to=Job.Status.RUNNING,
        by=SYSTEM,
        reason="worker picked it",
        extra_updates={"started_at": started, "message": "Đang chạy"},
    )
    assert returned is job and job.status == "running" and job.started_at == started
    saved = Job.objects.get(pk=job.pk)
    assert (saved.status, saved.message, saved.started_at) == ("running", "Đang chạy", started)
    event = AuditEvent.objects.get(action="job.start")
    assert event.old_values == {"status": "queued", "started_at": None, "message": ""}
    assert event.new_values == {
        "status": "running",
        "started_at": started.isoformat(),
        "message": "Đang chạy",
        "reason": "worker picked it",
    }
    assert event.object_id == str(job.pk) and event.object_type == "core.job"
    assert event.organization_id == facility_a.pk
    assert event.actor is None and event.source == AuditEvent.Source.COMMAND


def test_an_illegal_move_is_refused_in_vietnamese_and_nothing_is_written(job):
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE)
    job.refresh_from_db()
    with translation.override("vi"), pytest.raises(IllegalTransition) as refused:
        transition(job, to=Job.Status.RUNNING, by=SYSTEM, extra_updates={"message": "x"})
    assert refused.value.code == "illegal"
    assert refused.value.messages == [
        "“Xuất danh sách” không thể chuyển từ “Hoàn tất” sang “Đang chạy”."
    ]
    assert isinstance(refused.value, ValidationError)  # forms show it like any other
    assert Job.objects.get(pk=job.pk).status == "done"
    assert Job.objects.get(pk=job.pk).message == ""
    assert not AuditEvent.objects.filter(object_type="core.job").exists()


def test_a_concurrent_move_wins_and_the_second_is_refused(job):
    other_view = Job.objects.get(pk=job.pk)  # a second worker read it queued too
    transition(job, to=Job.Status.RUNNING, by=SYSTEM)
    with translation.override("vi"), pytest.raises(IllegalTransition) as refused:
        transition(other_view, to=Job.Status.FAILED, by=SYSTEM)
    assert refused.value.code == "stale"
    assert "hiện là “Đang chạy”" in refused.value.messages[0]
    assert Job.objects.get(pk=job.pk).status == "running"
    assert AuditEvent.objects.filter(action="job.fail").count() == 0


def test_system_only_moves_refuse_a_person(job, programme_user):
    with pytest.raises(PermissionDenied):
        transition(job, to=Job.Status.RUNNING, by=programme_user)
    assert Job.objects.get(pk=job.pk).status == "queued"
    assert not AuditEvent.objects.filter(object_type="core.job").exists()
    assert [t for t, _ in available_transitions(job, programme_user)] == []
    assert [t for t, _ in available_transitions(job, SYSTEM)] == ["running", "failed"]


def test_a_role_permission_is_asked_through_the_scope(job, manager_a, manager_b, monkeypatch):
    # A table whose start needs the "import" action (facility managers: their organisation).
    table = {
        Job.Status.QUEUED: {Job.Status.RUNNING: Transition("start", permission="import")},
    }
    monkeypatch.setattr(Job, "TRANSITIONS", table)
    assert [t for t, _ in available_transitions(job, manager_a)] == ["running"]
    assert available_transitions(job, manager_b) == []
    with pytest.raises(PermissionDenied):
        transition(job, to=Job.Status.RUNNING, by=manager_b)
    transition(job, to=Job.Status.RUNNING, by=manager_a)
    event = AuditEvent.objects.get(action="job.start")
    assert event.actor == manager_a


def test_a_callable_permission_and_a_failing_validation(job, manager_a, manager_b, monkeypatch):
    def needs_a_title_with_excel(obj):
        if "Excel" not in obj.title:
            raise ValidationError("Cần một tệp Excel.")

    table = {
        Job.Status.QUEUED: {
            Job.Status.RUNNING: Transition(
                "start",
                permission=lambda by, obj: by.pk == obj.created_by_id,
                validate=needs_a_title_with_excel,
            )
        },
    }
    monkeypatch.setattr(Job, "TRANSITIONS", table)
    with pytest.raises(PermissionDenied):
        transition(job, to=Job.Status.RUNNING, by=manager_b)
    with pytest.raises(ValidationError) as invalid:
        transition(job, to=Job.Status.RUNNING, by=manager_a, extra_updates={"progress": 5})
    assert invalid.value.messages == ["Cần một tệp Excel."]
    saved = Job.objects.get(pk=job.pk)
    assert (saved.status, saved.progress) == ("queued", 0)
    assert not AuditEvent.objects.filter(object_type="core.job").exists()


def test_full_clean_runs_before_saving(job):
    with pytest.raises(ValidationError) as invalid:
        transition(job, to=Job.Status.RUNNING, by=SYSTEM, extra_updates={"progress": -1})
    assert "progress" in invalid.value.message_dict
    assert Job.objects.get(pk=job.pk).status == "queued"


def test_on_commit_hooks_run_after_commit_only(job, django_capture_on_commit_callbacks):
    seen = []
    with django_capture_on_commit_callbacks() as callbacks:
        transition(job, to=Job.Status.RUNNING, by=SYSTEM, on_commit=[seen.append])
        assert seen == []  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert seen == [job] and seen[0].status == "running"

    # Rolled back: the hook is dropped with the transaction, and so is the move.
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        transition(job, to=Job.Status.DONE, by=SYSTEM, on_commit=[seen.append])
        raise RuntimeError("the service failed after the move")
    assert callbacks == []
    assert Job.objects.get(pk=job.pk).status == "running"
    assert not AuditEvent.objects.filter(action="job.finish").exists()


def test_a_hook_declared_in_the_table_runs_too(
    job, monkeypatch, django_capture_on_commit_callbacks
):
    told = []
    table = {
        Job.Status.QUEUED: {
            Job.Status.FAILED: Transition("fail", on_commit=(lambda j: told.append(j.pk),))
        }
    }
    monkeypatch.setattr(Job, "TRANSITIONS", table)
    with django_capture_on_commit_callbacks(execute=True):
        transition(job, to=Job.Status.FAILED, by=SYSTEM)
    assert told == [job.pk]
