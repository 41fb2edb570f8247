"""Background jobs of the monitoring app (registered on import from ``apps.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ctxh.core import jobs

from .models import Report
from .services.reports import REPORT_JOB, generate_report, report_fail


@jobs.handler(REPORT_JOB, time_limit=900)
def generate(job, progress) -> None:
    """Generate a programme report: its snapshot, Excel workbook and official PDF."""
    report = Report.objects.select_related("organization", "created_by").get(
        pk=job.params["report"]
    )
    try:
        generate_report(report, progress=progress)
    except Exception as exc:
        report_fail(report, _("The report could not be generated: %(error)s") % {"error": exc})
        raise
    job.result = {"report": report.pk, "document": report.document_id}
    job.message = _("The report is ready.")
