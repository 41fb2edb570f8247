"""The job runner in the worker's own process: life cycle, time limit, reaper, loose org."""

import contextlib
import datetime as dt
import io
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone, translation

from ctxh.core import audit, jobs
from ctxh.core.models import AuditEvent, Job
from ctxh.core.scoping import SYSTEM
from ctxh.testing import client_for

pytestmark = pytest.mark.django_db


@jobs.handler("test.runner.quick")
def quick(job, progress):
    progress(50, "Một nửa")
    job.result = {"rows": 3}
    job.message = "Đã xuất 3 dòng"


@jobs.handler("test.runner.slow", time_limit=0.3)
def slow(job, progress):
    with transaction.atomic():
        audit.record(actor=SYSTEM, action="test.half_written", object_type="x")
        time.sleep(5)


@jobs.handler("test.runner.swallows")
def swallows(job, progress):
    with contextlib.suppress(Exception):  # a careless handler cannot swallow the time limit
        time.sleep(5)


def make_job(kind, **fields):
    return Job.objects.create(kind=kind, title=f"Tác vụ {kind}", **fields)


def test_a_job_runs_through_the_transition_table_with_audit(facility_a):
    job = make_job("test.runner.quick", organization_id=facility_a.pk)
    jobs.execute(job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress, job.message) == ("done", 100, "Đã xuất 3 dòng")
    assert job.result == {"rows": 3} and job.started_at and job.finished_at
    assert job.heartbeat_at is not None and job.worker
    events = AuditEvent.objects.filter(object_type="core.job").order_by("id")
    assert [(e.action, e.old_values["status"], e.new_values["status"]) for e in events] == [
        ("job.start", "queued", "running"),
        ("job.finish", "running", "done"),
    ]
    assert {e.source for e in events} == {AuditEvent.Source.JOB}
    assert {e.organization_id for e in events} == {facility_a.pk}
    assert "result" not in events[1].new_values  # the payload stays out of the audit trail
    # Run again (a duplicate task): a finished job is left as it is.
    assert jobs.execute(job.pk).status == "done"
    assert AuditEvent.objects.filter(object_type="core.job").count() == 2


def test_a_job_past_its_time_limit_fails_cleanly_and_the_next_one_runs():
    slow_job = make_job("test.runner.slow")
    started = time.monotonic()
    with translation.override("vi"):
        jobs.execute(slow_job.pk)
    assert time.monotonic() - started < 3
    slow_job.refresh_from_db()
    assert slow_job.status == "failed"
    assert slow_job.error.startswith("Tác vụ chạy quá thời gian cho phép (1 giây)")
    assert not AuditEvent.objects.filter(action="test.half_written").exists()  # rolled back
    fail = AuditEvent.objects.get(action="job.fail", object_id=str(slow_job.pk))
    assert (fail.old_values["status"], fail.new_values["status"]) == ("running", "failed")
    next_job = make_job("test.runner.quick")
    assert jobs.execute(next_job.pk).status == "done"


def test_the_time_limit_cannot_be_swallowed_and_settings_override_it(settings):
    settings.CTXH_JOB_TIME_LIMITS = {"test.runner.swallows": 0.2}
    assert jobs.time_limit_for("test.runner.swallows") == 0.2
    assert jobs.time_limit_for("test.runner.slow") == 0.3  # the handler's own
    assert jobs.time_limit_for("test.runner.quick") == 600  # CTXH_JOB_TIME_LIMIT
    job = make_job("test.runner.swallows")
    with translation.override("en"):
        assert jobs.execute(job.pk).status == "failed"
    assert Job.objects.get(pk=job.pk).error.startswith(
        "The job took longer than its time limit (1 second)"
    )


def test_a_running_job_with_a_stale_heartbeat_is_reaped(manager_a, settings):
    settings.CTXH_JOB_STALE_SECONDS = 120
    now = timezone.now()
    old = now - dt.timedelta(minutes=10)
    lost = make_job("test.runner.quick", status="running", started_at=old, heartbeat_at=old)
    never_beat = make_job("test.runner.quick", status="running", started_at=old)
    alive = make_job("test.runner.quick", status="running", started_at=old, heartbeat_at=now)
    queued = make_job("test.runner.quick")
    with translation.override("vi"):
        reaped = jobs.reap_stale_jobs()
    assert sorted(j.pk for j in reaped) == sorted([lost.pk, never_beat.pk])
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {
        lost.pk: "failed",
        never_beat.pk: "failed",
        alive.pk: "running",
        queued.pk: "queued",
    }
    lost.refresh_from_db()
    assert lost.error.startswith("Tiến trình xử lý tác vụ này đã ngừng hoạt động")
    assert lost.finished_at is not None
    event = AuditEvent.objects.get(action="job.fail", object_id=str(lost.pk))
    assert event.new_values["reason"] == "không có tín hiệu hoạt động trong 2 phút"
    assert jobs.reap_stale_jobs() == []  # nothing left to reap


def test_jobs_reap_command_and_the_job_page_reap_too(manager_a):
    old = timezone.now() - dt.timedelta(hours=1)
    first = make_job("test.runner.quick", status="running", heartbeat_at=old)
    out = io.StringIO()
    with translation.override("en"):
        call_command("jobs_reap", stdout=out)
    assert f"Job {first.pk} (Tác vụ test.runner.quick) failed" in out.getvalue()
    assert "1 stale jobs failed." in out.getvalue()
    # A user looking at a job stuck "running" sees it failed, not a bar that never moves.
    mine = make_job("test.runner.quick", status="running", heartbeat_at=old, created_by=manager_a)
    page = client_for(manager_a).get(f"/jobs/{mine.pk}/")
    assert page.status_code == 200
    assert Job.objects.get(pk=mine.pk).status == "failed"
    assert "Tiến trình xử lý tác vụ này đã ngừng hoạt động" in page.content.decode()


def test_the_loose_organisation_still_scopes_jobs_and_audit(
    programme_user, manager_a, manager_b, facility_a
):
    job = jobs.start_job(
        kind="test.runner.quick", title="x", by=programme_user, organization=facility_a
    )
    assert job.organization_id == facility_a.pk
    assert list(Job.objects.visible_to(manager_a, "import")) == [job]
    assert list(Job.objects.visible_to(manager_b, "import")) == []
    assert list(Job.objects.visible_to(manager_a, "view")) == []  # view is SELF for managers
    event = audit.record(actor=SYSTEM, action="test.x", object_type="x", organization=facility_a)
    assert event.organization_id == facility_a.pk
    assert (
        audit.record(actor=SYSTEM, action="test.y", organization=facility_a.pk).organization_id
        == facility_a.pk
    )
    assert AuditEvent.objects.filter(organization_id__in=[facility_a.pk]).count() >= 2


def test_core_migrations_do_not_depend_on_organizations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    core = {key: m for key, m in loader.disk_migrations.items() if key[0] == "core"}
    assert ("core", "0001_initial") in core
    for key, migration in core.items():
        assert "organizations" not in {app for app, _ in migration.dependencies}, key
        for operation in migration.operations:
            for _name, field in getattr(operation, "fields", []) + [
                (None, getattr(operation, "field", None))
            ]:
                target = getattr(getattr(field, "remote_field", None), "model", None)
                assert not str(target).lower().startswith("organizations"), (key, target)
    # The project state still builds, with the id column where it always was.
    state = loader.project_state(("core", "0002_job_heartbeat_and_loose_organization"))
    job = state.apps.get_model("core", "Job")
    assert job._meta.get_field("organization_id").column == "organization_id"


def test_the_job_modules_import_one_way():
    import grimp

    graph = grimp.build_graph("ctxh")
    assert graph.chain_exists(importer="ctxh.core.jobs", imported="ctxh.core.tasks")
    for importer, imported in [
        ("ctxh.core.tasks", "ctxh.core.jobs"),  # the old cycle jobs ↔ tasks
        ("ctxh.core.jobrunner", "ctxh.core.jobs"),
        ("ctxh.core.models", "ctxh.core.transitions"),  # models declare with core.workflow
        ("ctxh.core.models", "ctxh.core.audit"),
    ]:
        assert not graph.chain_exists(importer=importer, imported=imported), (importer, imported)
