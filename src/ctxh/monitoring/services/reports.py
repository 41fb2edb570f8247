"""Writes of the programme's reports: start one (a background job), generate it (the job's
work: the snapshot, the Excel workbook, the official document), record a failure.

See :mod:`ctxh.monitoring.selectors.reports` for the snapshot and its consistency, and
:mod:`ctxh.monitoring.report_output` for what is rendered from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from ctxh.core import audit, jobs
from ctxh.core.permissions import can
from ctxh.core.scoping import SYSTEM
from ctxh.core.transitions import transition
from ctxh.documents.models import Kind as DocumentKind
from ctxh.documents.services import issue_document, render_pdf
from ctxh.organizations.models import Kind, Organization

from ..models import PROGRAMME_FIRST_YEAR, PROGRAMME_LAST_YEAR, Report
from ..report_output import pdf_inputs, render_xlsx
from ..selectors.reports import build_snapshot, consistent_read, period_title

REPORT_JOB = "monitoring.report"
TEMPLATE = "monitoring:report"

Progress = Callable[[int, str], None]


def issuing_body(user) -> Organization | None:
    """The agency that issues the report: the user's own standing agency, else the city's
    (the programme office's)."""
    agencies = Organization.objects.filter(kind=Kind.AGENCY, active=True)
    memberships = getattr(user, "memberships", None)
    if memberships is not None:
        own = (
            agencies.filter(memberships__user=user, memberships__active=True).order_by("id").first()
        )
        if own is not None:
            return own
    return agencies.order_by("id").first()


def validate_period(*, kind: str, start: dt.date | None, end: dt.date | None) -> None:
    """The report's period: a whole year of the programme, or a range within its years
    that does not end before it starts (a Vietnamese message otherwise)."""
    if kind not in Report.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of report.")})
    if start is None or end is None:
        raise ValidationError({"end": _("Give the first and the last day of the period.")})
    if end < start:
        raise ValidationError({"end": _("The period cannot end before it starts.")})
    if not (start.year >= PROGRAMME_FIRST_YEAR and end.year <= PROGRAMME_LAST_YEAR):
        raise ValidationError(
            {
                "end": _(
                    "The programme runs from %(first)s to %(last)s; choose a period within it."
                )
                % {"first": PROGRAMME_FIRST_YEAR, "last": PROGRAMME_LAST_YEAR}
            }
        )


def report_start(
    *,
    by,
    kind: str = Report.Kind.ANNUAL,
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Report:
    """Start generating a report (the programme office): the annual report of ``year``,
    or a report for [``start``, ``end``]. Creates the report (generating) and its job;
    the job computes and renders it. Returns the report."""
    if not can(by, Report, "add"):
        raise PermissionDenied(_("You may not generate programme reports."))
    if kind == Report.Kind.ANNUAL:
        if year is None:
            raise ValidationError({"year": _("Choose the year of the report.")})
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    validate_period(kind=kind, start=start, end=end)
    organization = issuing_body(by)
    if organization is None:
        raise ValidationError(_("No standing agency is registered to issue the report."))
    with transaction.atomic():
        report = Report(
            kind=kind,
            period_start=start,
            period_end=end,
            title=period_title(kind, start, end),
            organization=organization,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        report.full_clean()
        report.save()
        report.job = jobs.start_job(
            kind=REPORT_JOB,
            title=report.title,
            by=by,
            organization=organization,
            params={"report": report.pk},
        )
        report.save(update_fields=["job"])
        audit.record(
            actor=by,
            action="report.start",
            obj=report,
            organization=organization,
            new={"kind": kind, "start": start.isoformat(), "end": end.isoformat()},
        )
    return report


def _noop(percent: int, message: str = "") -> None:
    return None


def generate_report(
    report: Report,
    *,
    progress: Progress | None = None,
    hook: Callable[[str], None] | None = None,
) -> Report:
    """The job's work: compute the snapshot in one consistent read, render the Excel
    workbook from it, issue the official document (numbered in the agency's register)
    from it and render its PDF once; the report becomes ready. ``hook`` is called between
    the snapshot's parts (tests). Progress is reported outside the snapshot's transaction
    only (that transaction is read only, and nobody else would see a write inside it)."""
    progress = progress or _noop
    progress(5, _("Computing the figures in one consistent read…"))
    with consistent_read():
        snapshot = build_snapshot(
            kind=report.kind, start=report.period_start, end=report.period_end, hook=hook
        )
    progress(50, _("Writing the Excel workbook…"))
    workbook = render_xlsx(snapshot)
    progress(65, _("Issuing the official report (PDF)…"))
    by = report.created_by or SYSTEM
    with transaction.atomic():
        document = issue_document(
            kind=DocumentKind.REPORT,
            organization=report.organization,
            title=snapshot["title"],
            holder_name=report.organization.name,
            holder_is_person=False,
            template=TEMPLATE,
            inputs=pdf_inputs(snapshot),
            source=report,
            by=by,
        )
        progress(80, _("Rendering the PDF…"))
        render_pdf(document)  # a template error fails the job, not a later download
        report.snapshot = snapshot
        report.document = document
        report.xlsx.save(_filename(report, "xlsx"), ContentFile(workbook), save=False)
        report.save(update_fields=["snapshot", "document", "xlsx"])
        transition(report, to=Report.Status.READY, by=SYSTEM)
    progress(100, _("The report is ready."))
    return report


def report_fail(report: Report, error: str) -> None:
    """Record that generating ``report`` failed, and why (nothing else was written)."""
    report.refresh_from_db()
    if report.status == Report.Status.GENERATING:
        transition(
            report,
            to=Report.Status.FAILED,
            by=SYSTEM,
            reason=error[:200],
            extra_updates={"error": error},
        )


def _filename(report: Report, extension: str) -> str:
    if report.kind == Report.Kind.ANNUAL:
        stem = f"bao-cao-ctxh-nam-{report.period_end.year}"
    else:
        stem = f"bao-cao-ctxh-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}"
    return f"{stem}.{extension}"


def report_filename(report: Report, extension: str) -> str:
    """The download's file name (bao-cao-ctxh-nam-2026.xlsx)."""
    return _filename(report, extension)
