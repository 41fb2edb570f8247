"""``/monitoring/reports/``: the programme reports — the list with the form that starts
one (a background job), a report's page (progress while it runs, then its downloads), and
the Excel workbook and PDF downloads."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ctxh.core.exporting import XLSX_CONTENT_TYPE
from ctxh.core.jobs import reap_stale_jobs
from ctxh.core.models import Job
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.documents.services import render_pdf

from ..models import Report
from ..report_forms import ReportForm
from ..report_output import render_xlsx
from ..services.reports import report_filename, report_start


def _list(request, form: ReportForm):
    reports = Report.objects.visible_to(request.user, "view").select_related(
        "document", "created_by", "job"
    )
    page = Paginator(reports, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "monitoring/reports/list.html",
        {"page": page, "form": form, "may_add": can(request.user, Report, "add")},
    )


@login_required
@require_GET
def report_list(request):
    """Past reports (newest first) and, for the programme office, the form to start one."""
    require(request.user, Report, "view")
    return _list(request, ReportForm())


@login_required
@require_POST
def report_generate(request):
    """Start a report (the programme office): a background job; then its page."""
    require(request.user, Report, "add")
    form = ReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            report = report_start(
                by=request.user,
                kind=data["kind"],
                year=data.get("year"),
                start=data.get("start"),
                end=data.get("end"),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("The report is being generated."))
            return redirect("monitoring:report", pk=report.pk)
    return _list(request, form)


@login_required
@require_GET
def report_detail(request, pk: int):
    """A report: its progress while it is generated (the bar polls this page), then its
    downloads and its figures at a glance."""
    report = get_visible_or_404(request.user, Report, "view", pk=pk)
    job = report.job
    if job is not None and job.status == Job.Status.RUNNING and reap_stale_jobs(job_ids=[job.pk]):
        job.refresh_from_db()
    as_of = (report.snapshot or {}).get("as_of")
    context = {
        "report": report,
        "job": job,
        "as_of": dt.date.fromisoformat(as_of) if as_of else None,
    }
    if request.htmx:
        return render(request, "monitoring/reports/_progress.html", context)
    return render(request, "monitoring/reports/detail.html", context)


def _ready(request, pk: int) -> Report:
    report = get_visible_or_404(request.user, Report, "view", pk=pk)
    if not report.ready:
        raise Http404(_("The report is not ready."))
    return report


@login_required
@require_GET
def report_xlsx(request, pk: int):
    """The report's Excel workbook (the file written when it was generated; rendered
    again from its snapshot if the file is missing)."""
    report = _ready(request, pk)
    name = report_filename(report, "xlsx")
    if report.xlsx:
        try:
            return FileResponse(report.xlsx.open("rb"), as_attachment=True, filename=name)
        except FileNotFoundError:
            pass
    response = HttpResponse(render_xlsx(report.snapshot), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def report_pdf(request, pk: int):
    """The official report as PDF, rendered from the document it was issued as."""
    report = _ready(request, pk)
    if report.document is None:
        raise Http404
    response = HttpResponse(render_pdf(report.document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{report_filename(report, "pdf")}"'
    return response


urlpatterns = [
    path("reports/", report_list, name="reports"),
    path("reports/generate/", report_generate, name="report_generate"),
    path("reports/<int:pk>/", report_detail, name="report"),
    path("reports/<int:pk>/report.xlsx", report_xlsx, name="report_xlsx"),
    path("reports/<int:pk>/report.pdf", report_pdf, name="report_pdf"),
]
