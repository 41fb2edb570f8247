"""Core pages: the audit trail, job progress, and friendly error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from .filters import AuditEventFilter
from .jobs import reap_stale_jobs
from .models import AuditEvent, Job
from .permissions import get_visible_or_404, require
from .tables import AuditEventTable


@login_required
def audit_list(request):
    """The audit trail for the programme office, with filters and pagination."""
    require(request.user, AuditEvent, "view")
    base = AuditEvent.objects.visible_to(request.user, "view")
    filterset = AuditEventFilter(request.GET, queryset=base)
    table = AuditEventTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "core/audit_list.html",
        {"filter": filterset, "table": table, "title": _("Audit trail")},
    )


@login_required
def job_detail(request, pk: int):
    """A job's page; the progress bar inside polls :func:`job_progress`."""
    job = get_visible_or_404(request.user, Job, "view", pk=pk)
    if job.status == Job.Status.RUNNING and reap_stale_jobs(job_ids=[job.pk]):
        job.refresh_from_db()  # its worker died: show it failed rather than running forever
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, pk: int):
    job = get_visible_or_404(request.user, Job, "view", pk=pk)
    if not job.result_file:
        raise Http404
    name = job.result.get("filename") or job.result_file.name.rsplit("/", 1)[-1]
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=name)


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


def error_404(request, exception=None):
    return render(request, "errors/404.html", status=404)


def error_403(request, exception=None):
    return render(request, "errors/403.html", status=403)


def error_500(request):
    # No request context: the failure may be in a context processor or the database.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("errors/500.html").render())
