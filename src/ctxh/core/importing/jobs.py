"""Imports as background jobs: a *preview* job validates, a *commit* job writes.

:func:`start_preview` stores the uploaded file (under ``MEDIA_ROOT/imports/``) and queues a
preview; its result is the counts and the first errors, its result file the rejected
rows, and each row's summary goes to a file listed page by page (:mod:`.preview`; it is
kept with the job). :func:`start_commit` queues the commit of a clean preview; the commit
validates the file again and writes all or nothing. The uploaded file (and the cells the
preview kept, see :func:`reader.save_cells`) is deleted as soon as it cannot be committed
any more:
after a preview that failed, rejected rows or found nothing to write, and after the
commit, whether it succeeded or not.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ctxh.core import jobs
from ctxh.core.models import Job

from .engine import REJECTED, analyse, check_allowed, commit
from .preview import rows_name, write_rows
from .reader import check_upload, check_upload_archive
from .spec import ImportFileError, ImportKind, get_kind

PREVIEW_KIND = "import.preview"
COMMIT_KIND = "import.commit"
JOB_KINDS = (PREVIEW_KIND, COMMIT_KIND)


def start_preview(*, kind: ImportKind, upload, by) -> Job:
    """Check the uploaded file's name, size and signature, store it, queue its preview."""
    check_allowed(kind, by)
    head = upload.read(8)
    upload.seek(0)
    check_upload(upload.name, upload.size, head)
    check_upload_archive(upload)
    stored = default_storage.save(f"imports/{uuid.uuid4().hex}.xlsx", upload)
    return jobs.start_job(
        kind=PREVIEW_KIND,
        title=_("Import check: %(kind)s — %(file)s") % {"kind": kind.title, "file": upload.name},
        by=by,
        params={
            "kind": kind.name,
            "upload": stored,
            "filename": Path(upload.name).name[:150],
            "language": translation.get_language() or settings.LANGUAGE_CODE,
        },
    )


def can_commit(preview: Job) -> bool:
    """A preview may be committed once: done, no rejected row, something to write."""
    return (
        preview.kind == PREVIEW_KIND
        and preview.status == Job.Status.DONE
        and _worth_committing(preview.result.get("counts", {}))
        and not preview.result.get("commit_job")
    )


def _worth_committing(counts: dict) -> bool:
    return counts.get(REJECTED, 1) == 0 and (counts.get("new", 0) + counts.get("updated", 0)) > 0


@transaction.atomic
def start_commit(*, preview: Job, by) -> Job:
    """Queue the commit of ``preview``; only its creator may, and only once."""
    if preview.created_by_id != getattr(by, "pk", None):
        raise PermissionDenied
    kind = get_kind(preview.params.get("kind", ""))
    if kind is None:
        raise PermissionDenied
    check_allowed(kind, by)
    locked = Job.objects.select_for_update(of=("self",)).get(pk=preview.pk)
    if not can_commit(locked):
        raise ImportFileError(
            _("This check cannot be committed (already committed, or rows were rejected).")
        )
    job = jobs.start_job(
        kind=COMMIT_KIND,
        title=_("Import: %(kind)s — %(file)s")
        % {"kind": kind.title, "file": preview.params.get("filename", "")},
        by=by,
        params={**preview.params, "preview_job": preview.pk},
    )
    locked.result = {**locked.result, "commit_job": job.pk}
    locked.save(update_fields=["result"])
    return job


def _cells(path: str) -> Path:
    return Path(path + ".cells.jsonl")


def _discard(job: Job) -> None:
    default_storage.delete(job.params["upload"])
    default_storage.delete(job.params["upload"] + ".cells.jsonl")


def _setup(job: Job):
    kind = get_kind(job.params.get("kind", ""))
    if kind is None:
        raise jobs.JobError(_("Unknown kind of import."))
    user = get_user_model().objects.get(pk=job.created_by_id)
    path = default_storage.path(job.params["upload"])
    if not Path(path).exists():
        raise jobs.JobError(_("The uploaded file is no longer available; upload it again."))
    return kind, user, path


@jobs.handler(PREVIEW_KIND)
def preview_job(job: Job, progress) -> None:
    """Validate every row; store counts, the first errors and the rejected rows' file."""
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        kind, user, path = _setup(job)
        try:
            analysis = analyse(
                kind, path, user=user, progress=progress, cells=_cells(path), describe=True
            )
        except ImportFileError as exc:
            _discard(job)
            raise jobs.JobError(str(exc)) from None
        except PermissionDenied:
            _discard(job)
            raise jobs.JobError(_("You may not import this kind of record.")) from None
        counts = analysis.counts
        job.result = {**analysis.summary(), "source": job.params.get("filename", "")}
        progress(92, _("Listing the rows for the preview"))
        job.result["rows"] = write_rows(analysis, rows_name(job.params["upload"]))
        if counts[REJECTED]:
            name = f"{kind.stem}-dong-bi-tu-choi.xlsx"
            progress(95, _("Writing the file of rejected rows"))
            job.result_file.save(name, ContentFile(analysis.rejected_workbook()), save=False)
            job.result["filename"] = name
        job.message = summary_message(counts)
        if not _worth_committing(counts):  # it will never be committed: do not keep it
            _discard(job)


@jobs.handler(COMMIT_KIND)
def commit_job(job: Job, progress) -> None:
    """Write the whole file in one transaction (validated again), or nothing."""
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        kind, user, path = _setup(job)
        try:
            summary = commit(
                kind,
                path,
                user=user,
                filename=job.params.get("filename", ""),
                progress=progress,
                cells=_cells(path),
            )
        except ImportFileError as exc:
            raise jobs.JobError(str(exc)) from None
        except PermissionDenied:
            raise jobs.JobError(_("You may not import this kind of record.")) from None
        finally:  # a check is committed once, whatever happens: the file is not needed
            _discard(job)
        job.result = summary
        job.message = (
            _("Imported: %(new)s created, %(updated)s updated, %(unchanged)s unchanged.")
            % summary["counts"]
        )


def summary_message(counts: dict) -> str:
    return (
        _(
            "%(total)s rows: %(new)s new, %(updated)s updated, %(unchanged)s unchanged, "
            "%(rejected)s rejected."
        )
        % counts
    )
