"""Jobs in a child process of the worker, and on RQ with a real worker.

These need a database that another process can see: they run in ``make pytest-workers``
(an SQLite file; then again on Redis with ``CTXH_TASKS=rq`` when one answers) and in the
PostgreSQL run, and are skipped on the in-memory SQLite database of the plain run.
"""

import os
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import translation

from ctxh.core import audit, jobs
from ctxh.core.models import AuditEvent, Job
from ctxh.core.scoping import SYSTEM

pytestmark = [pytest.mark.workers, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def shared_database(settings):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs a database shared between processes (make pytest-workers)")
    settings.CTXH_JOB_ISOLATION = "process"


@jobs.handler("test.workers.quick")
def quick(job, progress):
    audit.record(actor=SYSTEM, action="test.workers.wrote", object_type="x", object_id=job.pk)
    progress(60, "Đang ghi")
    job.result = {"pid": os.getpid()}


@jobs.handler("test.workers.slow", time_limit=1)
def slow(job, progress):
    with transaction.atomic():
        audit.record(actor=SYSTEM, action="test.workers.half", object_type="x")
        while True:  # a runaway loop: only killing the process stops it
            sum(range(10_000))


@jobs.handler("test.workers.crash")
def crash(job, progress):
    os._exit(3)  # the process ends without a word (a crash in a C library)


@jobs.handler("test.workers.hog")
def hog(job, progress):
    blocks = []
    while True:
        blocks.append(bytearray(256 * 1024 * 1024))


def make_job(kind):
    return Job.objects.create(kind=kind, title=f"Tác vụ {kind}")


def _status(job):
    return Job.objects.values_list("status", "error").get(pk=job.pk)


def test_a_job_runs_in_a_child_process_and_its_writes_are_seen():
    job = make_job("test.workers.quick")
    assert jobs.execute(job.pk).status == "done"
    job.refresh_from_db()
    assert job.result["pid"] != os.getpid()  # it ran in another process
    assert AuditEvent.objects.filter(action="test.workers.wrote", object_id=str(job.pk)).exists()
    assert list(
        AuditEvent.objects.filter(object_id=str(job.pk), object_type="core.job")
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["job.start", "job.finish"]


def test_a_runaway_job_is_killed_at_its_limit_and_the_next_job_runs():
    runaway = make_job("test.workers.slow")
    started = time.monotonic()
    with translation.override("vi"):
        jobs.execute(runaway.pk)
    assert 0.9 < time.monotonic() - started < 5
    status, error = _status(runaway)
    assert status == "failed"
    assert error.startswith("Tác vụ chạy quá thời gian cho phép (1 giây) nên đã bị dừng")
    assert not AuditEvent.objects.filter(action="test.workers.half").exists()  # rolled back
    event = AuditEvent.objects.get(action="job.fail", object_id=str(runaway.pk))
    assert event.new_values["reason"] == "quá thời gian cho phép"
    after = make_job("test.workers.quick")
    assert jobs.execute(after.pk).status == "done"


def test_a_job_whose_process_dies_is_failed_with_a_message():
    job = make_job("test.workers.crash")
    with translation.override("vi"):
        assert jobs.execute(job.pk).status == "failed"
    status, error = _status(job)
    assert error.startswith("Tác vụ gặp lỗi ngoài dự kiến; dữ liệu không bị thay đổi.")


def test_a_job_past_its_memory_cap_is_failed(settings):
    with open("/proc/self/status") as status_file:
        vm_kb = next(int(line.split()[1]) for line in status_file if line.startswith("VmSize"))
    settings.CTXH_JOB_MEMORY_LIMIT_MB = vm_kb // 1024 + 600
    job = make_job("test.workers.hog")
    with translation.override("vi"):
        assert jobs.execute(job.pk).status == "failed"
    status, error = _status(job)
    assert error.startswith("Tác vụ cần nhiều bộ nhớ hơn mức cho phép")
    assert f"({settings.CTXH_JOB_MEMORY_LIMIT_MB} MB)" in error


@pytest.mark.skipif(django_settings.CTXH_TASKS != "rq", reason="CTXH_TASKS=rq runs this on Redis")
def test_jobs_run_on_rq_with_a_real_worker():
    import django_rq
    from django_tasks_rq import Job as TaskJob
    from rq import Worker

    queue = django_rq.get_queue("default")
    queue.empty()
    with translation.override("vi"):
        runaway = jobs.start_job(kind="test.workers.slow", title="Vòng lặp", by=SYSTEM)
        after = jobs.start_job(kind="test.workers.quick", title="Sau đó", by=SYSTEM)
    assert queue.count == 2  # enqueued on Redis once committed, not run yet
    assert _status(runaway)[0] == "queued"
    worker = Worker([queue], connection=queue.connection, job_class=TaskJob)
    worker.work(burst=True, with_scheduler=False)
    assert _status(runaway)[0] == "failed"
    assert _status(runaway)[1].startswith("Tác vụ chạy quá thời gian cho phép")
    assert _status(after) == ("done", "")
    assert AuditEvent.objects.filter(action="test.workers.wrote", object_id=str(after.pk)).exists()
