"""Import pages: choose a kind, download its template, upload, follow the check, commit.

Who may import what is each kind's own rule (:meth:`ImportKind.allowed`): the programme
office imports every kind; facility managers and ward officers import the people and the
employment of their own organisation. Job pages are scoped like every job (visible_to).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ctxh.core.models import Job
from ctxh.core.permissions import get_visible_or_404

from .engine import NEW, REJECTED, UNCHANGED, UPDATED
from .jobs import JOB_KINDS, PREVIEW_KIND, can_commit, start_commit, start_preview
from .preview import PAGE_SIZE, PreviewRows
from .reader import max_bytes, max_rows
from .spec import ImportFileError, all_kinds, get_kind
from .template import build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


def _allowed_kinds(user):
    return [kind for kind in all_kinds() if kind.allowed(user)]


def _kind_or_403(user, name: str):
    kind = get_kind(name)
    if kind is None:
        raise Http404
    if not kind.allowed(user):
        raise PermissionDenied
    return kind


@login_required
def import_index(request):
    """The kinds this user may import, each with its template and an upload form."""
    kinds = _allowed_kinds(request.user)
    if not kinds:
        raise PermissionDenied
    recent = (
        Job.objects.visible_to(request.user, "view")
        .filter(kind__in=JOB_KINDS, created_by=request.user)
        .order_by("-created_at")[:15]
    )
    return render(
        request,
        "imports/index.html",
        {
            "kinds": kinds,
            "form": UploadForm(),
            "recent": recent,
            "max_rows": max_rows(),
            "max_mb": round(max_bytes() / 1048576),
            "title": _("Import from Excel"),
        },
    )


@login_required
def import_template(request, kind: str):
    """The .xlsx template of a kind (instructions sheet, headers, drop-down lists)."""
    spec = _kind_or_403(request.user, kind)
    response = HttpResponse(build_template(spec, user=request.user), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{spec.stem}.xlsx"'
    return response


@login_required
def import_upload(request, kind: str):
    """Receive a file and start its check; the page then follows the job."""
    spec = _kind_or_403(request.user, kind)
    if request.method == "POST" and _declared_size(request) > max_bytes() + 64 * 1024:
        # Refused before Django reads (and spools to disk) the body of an oversize upload.
        message = _("The file is too large; the limit is %(max)s MB.") % {
            "max": round(max_bytes() / 1048576, 1)
        }
        context = {"kind": spec, "form": UploadForm(), "title": spec.title, "error": message}
        return render(request, "imports/upload.html", context, status=413)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                job = start_preview(kind=spec, upload=form.cleaned_data["file"], by=request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("imports:job", pk=job.pk)
    return render(
        request,
        "imports/upload.html",
        {"kind": spec, "form": form, "title": spec.title},
        status=400 if request.method == "POST" else 200,
    )


def _declared_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _import_job(request, pk: int) -> Job:
    job = get_visible_or_404(request.user, Job, "view", pk=pk)
    if job.kind not in JOB_KINDS:
        raise Http404
    return job


#: The preview's tabs, in order.
TABS = (
    (NEW, gettext_lazy("New")),
    (UPDATED, gettext_lazy("Updated")),
    (UNCHANGED, gettext_lazy("Unchanged")),
    (REJECTED, gettext_lazy("Rejected")),
)


@login_required
def import_job(request, pk: int):
    """A check or a commit: progress while it runs, then the preview or the result.

    A finished check lists its rows by status (``?tab=new|updated|unchanged|rejected``),
    :data:`preview.PAGE_SIZE` a page (``?page=``), read from the rows file."""
    job = _import_job(request, pk)
    kind = get_kind(job.params.get("kind", ""))
    counts = job.result.get("counts", {})
    context = {
        "job": job,
        "kind": kind,
        "is_preview": job.kind == PREVIEW_KIND,
        "counts": counts,
        "errors": job.result.get("errors", []),
        "can_commit": can_commit(job) and job.created_by_id == request.user.pk,
        "title": job.title,
    }
    if job.kind == PREVIEW_KIND and job.status == Job.Status.DONE and "rows" in job.result:
        context.update(_preview_rows(request, job, kind, counts))
    template = "imports/_job.html" if request.htmx else "imports/job.html"
    return render(request, template, context)


def _preview_rows(request, job: Job, kind, counts: dict) -> dict:
    tab = request.GET.get("tab")
    if tab not in dict(TABS):  # the first tab with rows, rejected ones first
        tab = next((s for s in (REJECTED, UPDATED, NEW, UNCHANGED) if counts.get(s)), NEW)
    rows = PreviewRows(job.result["rows"], tab, int(counts.get(tab) or 0))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "tabs": [(status, label, counts.get(status, 0)) for status, label in TABS],
        "listed": True,
        "tab": tab,
        "page": page,
        "shown_columns": [c.label for c in kind.shown_columns()] if kind else [],
    }


@login_required
@require_POST
def import_commit(request, pk: int):
    """Commit a clean check: write everything in one transaction, in the background."""
    preview = _import_job(request, pk)
    try:
        job = start_commit(preview=preview, by=request.user)
    except ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("imports:job", pk=preview.pk)
    return redirect("imports:job", pk=job.pk)
