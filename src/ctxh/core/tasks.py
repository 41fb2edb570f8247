"""Task functions for Django's task API. Kept thin: the work lives in :mod:`ctxh.core.jobrunner`.

Imports point one way (``jobs → tasks → jobrunner``): :func:`ctxh.core.jobs.start_job`
enqueues :func:`run_job`, which never imports :mod:`ctxh.core.jobs` back.
"""

from django_tasks import task

from . import jobrunner


@task()
def run_job(job_id: int) -> str:
    """Run a queued :class:`~ctxh.core.models.Job` in the worker."""
    return jobrunner.execute(job_id).status
