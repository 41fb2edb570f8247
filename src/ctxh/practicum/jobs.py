"""Background jobs of the practicum (registered on import from ``apps.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ctxh.core import jobs

from .models import AllocationRun
from .services.allocation import JOB_KIND, compute_run, fail_run


@jobs.handler(JOB_KIND, time_limit=600)
def allocate(job, progress) -> None:
    """Solve an allocation run and store its preview (outcomes and summary)."""
    run = AllocationRun.objects.select_related("period").get(pk=job.params["run"])
    try:
        compute_run(run, progress)
    except ValueError as exc:  # the engine names the offending input
        message = _("The allocation could not be computed: %(error)s") % {"error": exc}
        fail_run(run, message)
        raise jobs.JobError(message) from exc
    except Exception:
        fail_run(run, _("The allocation failed unexpectedly."))
        raise
    job.result = {"run": run.pk, "placed": run.summary["placed"]}
    job.message = _("%(placed)s of %(students)s students placed") % {
        "placed": run.summary["placed"],
        "students": run.summary["students"],
    }
