"""Long work with a progress bar: start a :class:`~ctxh.core.models.Job`, run it in a worker.

An app registers a handler for a kind of job::

    @jobs.handler("organizations.export", time_limit=300)
    def export(job, progress):
        ...
        progress(40, _("Writing rows"))

and a service starts it with :func:`start_job`. The handler runs through Django's task API
(``django-tasks``: the database backend by default, RQ with ``CTXH_TASKS=rq``) in a child
process of the worker with a time limit and a memory cap, inside an audit context marked
"job" (see :mod:`ctxh.core.jobrunner`). The job's status moves through the transition table
on :class:`~ctxh.core.models.Job`, each move audited. An exception marks the job failed
with its message and leaves the data as the handler's own transaction left it (handlers
write in one transaction); so does a job past its time limit or whose worker died.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from .jobrunner import (
    Handler,
    JobError,
    ProgressReporter,
    execute,
    handler,
    reap_stale_jobs,
    registered_kinds,
    time_limit_for,
    unregister,
)
from .models import Job
from .tasks import run_job

__all__ = [
    "Handler",
    "JobError",
    "ProgressReporter",
    "execute",
    "handler",
    "reap_stale_jobs",
    "registered_kinds",
    "start_job",
    "time_limit_for",
    "unregister",
]


def start_job(*, kind: str, title: str, by, organization=None, params: dict | None = None) -> Job:
    """Create a queued job and hand it to the task worker once the transaction commits.

    ``organization`` is an organisation or its id (who else may see the job); ``by`` its
    creator (``SYSTEM`` for none).
    """
    if kind not in registered_kinds():
        raise ValueError(f"Unknown job kind: {kind}")
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        created_by=by if getattr(by, "is_authenticated", False) else None,
        organization_id=getattr(organization, "pk", organization),
        params=params or {},
        message=_("Waiting for a worker…"),
    )
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job
