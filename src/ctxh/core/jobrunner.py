"""Running a job in a worker: the handler registry, time and memory limits, heartbeat, reaper.

Use it through :mod:`ctxh.core.jobs` (the public API); the task worker calls
:func:`execute` through :mod:`ctxh.core.tasks`. Modules here import downwards only:
``jobs → tasks → jobrunner → models``, so there is no import cycle.

**Isolation.** With ``CTXH_JOB_ISOLATION = "process"`` (the default where ``os.fork``
exists) each job runs in a child process forked from the worker. The worker watches it:
it refreshes the job's heartbeat every few seconds, kills the child when it passes the
kind's time limit (``SIGKILL`` always stops it, whatever the handler is doing), caps its
memory (``RLIMIT_AS``, ``CTXH_JOB_MEMORY_LIMIT_MB``) and notices when it dies (a crash,
the kernel's out-of-memory killer). In each case the job is failed with a message in the
user's language, the database rolls back whatever the child had not committed, and the
worker takes the next job. Database connections are closed before the fork; the child
opens its own. A job claimed inside an open transaction (the test suite, a task backend
that runs tasks immediately) cannot be seen by another process and runs ``"inline"``: in
the worker's own process, with the time limit as ``SIGALRM`` when it runs in the main
thread.

**Worker death.** A job whose worker dies stays "running" with a heartbeat that no longer
moves. :func:`reap_stale_jobs` fails every running job whose heartbeat is older than
``CTXH_JOB_STALE_SECONDS``; it runs before each job is claimed, from ``ctxh jobs_reap``
(run when a worker starts) and when someone looks at a running job's page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .audit import audit_context
from .models import AuditEvent, Job
from .scoping import SYSTEM
from .transitions import IllegalTransition, transition

logger = logging.getLogger("ctxh.core.jobs")

Progress = Callable[[int, str], None]
Handler = Callable[[Job, Progress], None]
_handlers: dict[str, Handler] = {}
_time_limits: dict[str, float] = {}

HEARTBEAT_SECONDS = 5.0


class JobError(Exception):
    """A failure whose message is meant for the user (shown as the job's error)."""


class JobTimeout(BaseException):
    """Raised by the alarm of an inline job past its time limit. A ``BaseException`` so
    that a handler's ``except Exception`` cannot swallow it."""


def handler(kind: str, *, time_limit: float | None = None) -> Callable[[Handler], Handler]:
    """Register ``func`` as the handler of jobs of ``kind``; ``time_limit`` (seconds)
    overrides ``CTXH_JOB_TIME_LIMIT`` for this kind (``CTXH_JOB_TIME_LIMITS`` overrides both)."""

    def register(func: Handler) -> Handler:
        _handlers[kind] = func
        if time_limit is not None:
            _time_limits[kind] = time_limit
        return func

    return register


def unregister(kind: str) -> Handler | None:
    """Remove the handler of ``kind`` and return it (for tests that register their own)."""
    _time_limits.pop(kind, None)
    return _handlers.pop(kind, None)


def registered_kinds() -> list[str]:
    return sorted(_handlers)


def time_limit_for(kind: str) -> float:
    """Seconds a job of ``kind`` may run before it is stopped and failed."""
    configured = getattr(settings, "CTXH_JOB_TIME_LIMITS", {}).get(kind)
    if configured is not None:
        return float(configured)
    return float(_time_limits.get(kind, settings.CTXH_JOB_TIME_LIMIT))


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


class ProgressReporter:
    """Saves a job's progress (and heartbeat), at most a few times a second."""

    def __init__(self, job: Job, min_interval: float = 0.3):
        self.job = job
        self.min_interval = min_interval
        self._last = 0.0

    def __call__(self, percent: int, message: str = "") -> None:
        now = time.monotonic()
        percent = max(0, min(100, int(percent)))
        if now - self._last < self.min_interval and percent < 100:
            return
        self._last = now
        self.job.progress = percent
        if message:
            self.job.message = message[:300]
        Job.objects.filter(pk=self.job.pk).update(
            progress=self.job.progress, message=self.job.message, heartbeat_at=timezone.now()
        )


# --- The job's life: claim, run, finish or fail ------------------------------------------


def execute(job_id: int) -> Job:
    """Run the queued job ``job_id`` now, from this worker; return it as it ended.

    A job that is no longer queued (another worker took it, the reaper failed it) is
    returned untouched. Nothing is raised: every failure is recorded on the job.
    """
    reap_stale_jobs()
    with audit_context(source=AuditEvent.Source.JOB):
        job = _claim(job_id)
        if job is not None:
            if _isolation() == "process" and _shared_database():
                _run_in_child(job)
            else:
                _run_inline(job)
    return Job.objects.get(pk=job_id)


def _isolation() -> str:
    mode = getattr(settings, "CTXH_JOB_ISOLATION", "process")
    return mode if mode == "inline" or hasattr(os, "fork") else "inline"


def _shared_database() -> bool:
    """Whether a forked child would see the claim and write where the worker reads: not
    inside an open transaction, nor on an in-memory SQLite database (the test suite)."""
    if connection.in_atomic_block:
        return False
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def _claim(job_id: int) -> Job | None:
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return None
    now = timezone.now()
    try:
        return transition(
            job,
            to=Job.Status.RUNNING,
            by=SYSTEM,
            extra_updates={
                "started_at": now,
                "heartbeat_at": now,
                "worker": worker_name(),
                "message": _("Running…"),
            },
        )
    except IllegalTransition:  # another worker claimed it first
        return None


def _run_handler(job: Job, *, alarm: float | None) -> None:
    """Run the handler here and record how it ended (done, or failed with a message)."""
    limit = time_limit_for(job.kind)
    try:
        with _time_limit(alarm):
            _handlers[job.kind](job, ProgressReporter(job))
    except JobTimeout:
        _fail(job, _timeout_message(limit))
    except MemoryError:
        _fail(job, _memory_message())
    except JobError as exc:
        _fail(job, str(exc))
    except Exception:  # the job records every failure; nothing is re-raised
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _fail(job, _unexpected_message())
    else:
        _finish(job)


def _finish(job: Job) -> None:
    message = job.message if job.message != _("Running…") else _("Done")
    with transaction.atomic():
        # The handler's payload (result, file) is data, not a workflow field: saved as is,
        # out of the audit trail (an import's first errors may quote personal data).
        Job.objects.filter(pk=job.pk).update(result=job.result, result_file=job.result_file)
        _move(
            job,
            Job.Status.DONE,
            {"progress": 100, "message": message[:300], "finished_at": timezone.now()},
        )


def _fail(job: Job, error: str, *, reason: str = "") -> None:
    _move(
        job,
        Job.Status.FAILED,
        {"error": error, "message": _("Failed"), "finished_at": timezone.now()},
        reason=reason,
    )


def _move(job: Job, to: str, updates: dict, *, reason: str = "") -> None:
    try:
        transition(job, to=to, by=SYSTEM, extra_updates=updates, reason=reason)
    except IllegalTransition as exc:  # the reaper failed it meanwhile: leave its verdict
        logger.warning("Job %s could not become %s: %s", job.pk, to, exc.messages[0])


def _run_inline(job: Job) -> None:
    in_main = threading.current_thread() is threading.main_thread()
    _run_handler(job, alarm=time_limit_for(job.kind) if in_main else None)


@contextlib.contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`JobTimeout` in this (main) thread after ``seconds``. Left alone when
    the process already has an alarm armed (RQ's own job timeout in its work horse)."""
    if not seconds or not hasattr(signal, "setitimer") or signal.getitimer(signal.ITIMER_REAL)[0]:
        yield
        return

    def on_alarm(signum, frame):
        raise JobTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- Process isolation ---------------------------------------------------------------------


def _run_in_child(job: Job) -> None:
    limit = time_limit_for(job.kind)
    connections.close_all()  # the child must not share the worker's connections
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        _child(job.pk)
    try:
        status = _watch(job, pid, limit)
    except BaseException:
        # The worker is being stopped (Ctrl+C, SIGTERM) or RQ's own timeout fired.
        _kill(pid)
        _fail_if_running(
            job,
            _(
                "The worker was stopped while running this job; nothing was changed. "
                "Please start it again."
            ),
        )
        raise
    if status is None:
        _fail_if_running(job, _timeout_message(limit), reason=_("time limit"))
    elif _fail_if_running(job, _death_message(status), reason=_("job process ended")):
        logger.error("Job %s (%s): child process ended with status %s", job.pk, job.kind, status)


def _child(job_id: int) -> None:
    """The forked process: run the handler with a memory cap, then leave at once."""
    code = 1
    try:
        # Ctrl+C and SIGTERM reach the whole process group: the worker decides (it lets the
        # job finish, or kills this process on the second signal); the child ignores them.
        for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_IGN)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        _cap_memory(getattr(settings, "CTXH_JOB_MEMORY_LIMIT_MB", 0))
        job = Job.objects.get(pk=job_id)
        with audit_context(source=AuditEvent.Source.JOB):
            _run_handler(job, alarm=None)  # the parent enforces the time limit
        code = 0
    except BaseException:
        logger.exception("Job %s: the job process failed", job_id)
    finally:
        with contextlib.suppress(Exception):
            connections.close_all()
        os._exit(code)


def _cap_memory(megabytes: int) -> None:
    if not megabytes:
        return
    import resource  # noqa: PLC0415 - POSIX only, like fork

    limit = int(megabytes) * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _watch(job: Job, pid: int, limit: float) -> int | None:
    """Wait for the child, beating the heart; its wait status, or None past the limit."""
    deadline = time.monotonic() + limit
    next_beat = time.monotonic() + HEARTBEAT_SECONDS
    pause = 0.005
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        now = time.monotonic()
        if now >= deadline:
            _kill(pid)
            return None
        if now >= next_beat:
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                heartbeat_at=timezone.now()
            )
            next_beat = now + HEARTBEAT_SECONDS
        time.sleep(min(pause, max(deadline - now, 0.001)))
        pause = min(pause * 2, 0.2)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, ChildProcessError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _fail_if_running(job: Job, error: str, *, reason: str = "") -> bool:
    """Fail ``job`` if it is still running (the child did not record an ending)."""
    current = Job.objects.filter(pk=job.pk).values_list("status", flat=True).first()
    if current != Job.Status.RUNNING:
        return False
    job.status = current
    _fail(job, error, reason=reason)
    return True


# --- Messages --------------------------------------------------------------------------------


def _duration(seconds: float) -> str:
    if seconds >= 60:
        minutes = round(seconds / 60)
        return ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    count = max(1, round(seconds))
    return ngettext("%(count)s second", "%(count)s seconds", count) % {"count": count}


def _timeout_message(limit: float) -> str:
    return _(
        "The job took longer than its time limit (%(limit)s) and was stopped; nothing was "
        "changed. Try again with a smaller file, or contact the programme office."
    ) % {"limit": _duration(limit)}


def _memory_message() -> str:
    return _(
        "The job needed more memory than it is allowed (%(megabytes)s MB) and was stopped; "
        "nothing was changed. Try again with a smaller file, or contact the programme office."
    ) % {"megabytes": getattr(settings, "CTXH_JOB_MEMORY_LIMIT_MB", 0)}


def _unexpected_message() -> str:
    return _(
        "The job failed unexpectedly; nothing was changed. Please try again or "
        "contact the programme office."
    )


def _death_message(status: int) -> str:
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
        # Nobody here sent it: the kernel's out-of-memory killer, or an operator.
        return _memory_message()
    return _unexpected_message()


# --- The reaper ------------------------------------------------------------------------------


def reap_stale_jobs(
    *, job_ids: list[int] | None = None, now: dt.datetime | None = None
) -> list[Job]:
    """Fail every running job whose worker stopped giving signs of life.

    A job is stale when its heartbeat (or, without one, its start) is older than
    ``CTXH_JOB_STALE_SECONDS``. ``job_ids`` limits the search (a job's page asks about its
    own job). Returns the jobs failed, each through the transition table and audited.
    """
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.CTXH_JOB_STALE_SECONDS)
    stale = Q(status=Job.Status.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )
    candidates = Job.objects.filter(stale)
    if job_ids is not None:
        candidates = candidates.filter(pk__in=job_ids)
    reaped = []
    error = _(
        "The worker running this job stopped giving signs of life; the job was stopped "
        "and nothing was changed. Please start it again."
    )
    for pk in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            job = Job.objects.select_for_update().filter(stale, pk=pk).first()
            if job is None:  # it moved or beat meanwhile
                continue
            with audit_context(source=AuditEvent.Source.JOB):
                transition(
                    job,
                    to=Job.Status.FAILED,
                    by=SYSTEM,
                    extra_updates={"error": error, "message": _("Failed"), "finished_at": now},
                    reason=_("no sign of life for %(duration)s")
                    % {"duration": _duration(settings.CTXH_JOB_STALE_SECONDS)},
                )
        logger.warning("Job %s (%s) had a stale heartbeat: failed", job.pk, job.kind)
        reaped.append(job)
    return reaped
