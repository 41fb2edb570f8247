"""Long work with a progress bar: start a :class:`~ctxh.core.models.Job`, run it in a worker.

An app registers a handler for a kind of job::

    @jobs.handler("organizations.export")
    def export(job, progress):
        ...
        progress(40, _("Writing rows"))

and a service starts it with :func:`start_job`. The handler runs through Django's task API
(``django-tasks``; the database backend by default), inside an audit context marked
"job". An exception marks the job failed with its message and leaves the data as the
handler's own transaction left it (handlers write in one transaction).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_context
from .models import AuditEvent, Job

logger = logging.getLogger(__name__)

Handler = Callable[[Job, Callable[[int, str], None]], None]
_handlers: dict[str, Handler] = {}


class JobError(Exception):
    """A failure whose message is meant for the user (shown as the job's error)."""


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register ``func`` as the handler of jobs of ``kind``."""

    def register(func: Handler) -> Handler:
        _handlers[kind] = func
        return func

    return register


def registered_kinds() -> list[str]:
    return sorted(_handlers)


def start_job(*, kind: str, title: str, by, organization=None, params: dict | None = None) -> Job:
    """Create a queued job and hand it to the task worker once the transaction commits."""
    if kind not in _handlers:
        raise ValueError(f"Unknown job kind: {kind}")
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        created_by=by if getattr(by, "is_authenticated", False) else None,
        organization=organization,
        params=params or {},
        message=_("Waiting for a worker…"),
    )
    from .tasks import run_job  # noqa: PLC0415 - tasks imports this module

    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


class ProgressReporter:
    """Saves a job's progress, at most a few times a second, so a tight loop stays fast."""

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
            progress=self.job.progress, message=self.job.message
        )


def execute(job_id: int) -> Job:
    """Run the job now, in this process (the task worker calls this)."""
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return job
    job.status = Job.Status.RUNNING
    job.started_at = timezone.now()
    job.message = _("Running…")
    job.save(update_fields=["status", "started_at", "message"])
    try:
        with audit_context(source=AuditEvent.Source.JOB):
            _handlers[job.kind](job, ProgressReporter(job))
    except Exception as exc:  # the job records every failure; nothing is re-raised
        if not isinstance(exc, JobError):
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
        job.status = Job.Status.FAILED
        job.error = (
            str(exc)
            if isinstance(exc, JobError)
            else _(
                "The job failed unexpectedly; nothing was changed. Please try again or "
                "contact the programme office."
            )
        )
        job.message = _("Failed")
    else:
        job.status = Job.Status.DONE
        job.progress = 100
        job.message = job.message if job.message != _("Running…") else _("Done")
    job.finished_at = timezone.now()
    job.save()
    return job


def unregister(kind: str) -> Handler | None:
    """Remove the handler of ``kind`` and return it (for tests that register their own)."""
    return _handlers.pop(kind, None)
