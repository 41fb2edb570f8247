"""Task functions for Django's task API. Kept thin: the work lives in :mod:`ctxh.core.jobs`."""

from django_tasks import task

from . import jobs


@task()
def run_job(job_id: int) -> str:
    """Run a queued :class:`~ctxh.core.models.Job` in the worker."""
    return jobs.execute(job_id).status
