"""Core pages: the audit trail, job progress, and friendly error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit_display
from .exporting import csv_response, xlsx_response
from .filters import AuditEventFilter
from .jobs import reap_stale_jobs
from .models import AuditEvent, Job
from .permissions import get_visible_or_404, require

AUDIT_PAGE_SIZE = 50


def _audit_events(request) -> AuditEventFilter:
    require(request.user, AuditEvent, "view")
    base = AuditEvent.objects.visible_to(request.user, "view").select_related("actor")
    return AuditEventFilter(request.GET, queryset=base, request=request)


@login_required
def audit_list(request):
    """The audit trail for the programme office: readable rows, filters, pages, export."""
    filterset = _audit_events(request)
    paginator = Paginator(filterset.qs.order_by("-created_at", "-id"), AUDIT_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": audit_display.present(page.object_list, request.user),
            "query": query.urlencode(),
            "title": _("Audit trail"),
        },
    )


def _audit_export_rows(events, user, chunk: int = 500):
    batch = []
    for event in events.iterator(chunk_size=chunk):
        batch.append(event)
        if len(batch) >= chunk:
            yield from _export_cells(audit_display.present(batch, user))
            batch = []
    if batch:
        yield from _export_cells(audit_display.present(batch, user))


def _export_cells(rows):
    for row in rows:
        yield [
            row.when,
            row.actor,
            row.actor_organizations,
            row.action,
            row.object_kind,
            row.object_label,
            row.object_id,
            row.organization,
            row.changes_text(),
            row.source,
            row.ip_address,
        ]


@login_required
def audit_export(request, fmt: str):
    """The filtered audit trail as a streamed Excel or CSV file (same rows as the page)."""
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    filterset = _audit_events(request)
    events = filterset.qs.order_by("-created_at", "-id")
    headers = [
        _("Time"),
        _("Actor"),
        _("Actor's organisation"),
        _("Action"),
        _("Kind of object"),
        _("Object"),
        _("Object id"),
        _("Organisation"),
        _("Changes"),
        _("Source"),
        _("IP address"),
    ]
    rows = _audit_export_rows(events, request.user)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        return csv_response(headers=headers, rows=rows, filename=f"nhat-ky-{stamp}.csv")
    return xlsx_response(
        headers=headers, rows=rows, filename=f"nhat-ky-{stamp}.xlsx", sheet_title="Nhat ky"
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
