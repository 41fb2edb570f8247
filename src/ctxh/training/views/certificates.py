"""Completion and certificates of a class: test scores, who completed, issuing the
certificates, one PDF of them all; and one participant's certificate.

Who: the organiser or provider of the class (and the programme office) enter scores,
compute completion and issue; the viewer reads; a participant downloads their own
certificate, and an organisation its staff's (the enrolment's scope).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ctxh.core.permissions import get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.documents.views.documents import pdf_response

from ..models import Enrollment, TrainingClass
from ..services import attendance as attendance_service
from ..services import certificates as service


def _class_for(request, pk: int) -> tuple[TrainingClass, bool]:
    """The class and whether the user runs it; 403 for a role that may not see the
    enrolments, 404 for a class neither run by the user's organisation nor city-wide."""
    require(request.user, Enrollment, "view")
    training_class = get_object_or_404(
        TrainingClass.objects.select_related("course", "organizer", "provider"), pk=pk
    )
    runs = attendance_service.may_run(request.user, training_class, TrainingClass, "change")
    if not runs and not scope_for(request.user, Enrollment, "view").everything:
        raise Http404
    return training_class, runs


def _participants(training_class: TrainingClass):
    rows = list(
        Enrollment.objects.filter(training_class=training_class, status=Enrollment.Status.ACCEPTED)
        .select_related("person", "organization")
        .order_by("person__sort_key", "full_name", "id")
    )
    issued = {d.source_id: d for d in service.class_certificates(training_class)}
    for row in rows:
        row.certificate = issued.get(row.pk)
    return rows


def _post(request, training_class: TrainingClass) -> None:
    action = request.POST.get("action")
    by = request.user
    if action == "scores":
        scores = {
            key.removeprefix("score_"): value
            for key, value in request.POST.items()
            if key.startswith("score_")
        }
        changed = attendance_service.scores_set(training_class=training_class, scores=scores, by=by)
        messages.success(request, _("%(n)d test scores saved.") % {"n": changed})
        action = "completion"
    if action == "completion":
        counts = attendance_service.completion_compute(training_class=training_class, by=by)
        messages.success(
            request,
            _("Completion computed: %(completed)d of %(participants)d participants completed.")
            % counts,
        )
    elif action == "issue_all":
        issued = service.certificates_issue_all(training_class=training_class, by=by)
        if issued:
            messages.success(request, _("%(n)d certificates issued.") % {"n": len(issued)})
        else:
            messages.info(request, _("Every participant who completed already has a certificate."))
    elif action != "completion":
        raise ValidationError(_("Unknown action."))


@login_required
@require_http_methods(["GET", "POST"])
def certificates(request, pk: int):
    training_class, runs = _class_for(request, pk)
    if request.method == "POST":
        if not runs:
            raise PermissionDenied
        try:
            _post(request, training_class)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("training:certificates", pk=pk)
    participants = _participants(training_class)
    return render(
        request,
        "training/certificates/class.html",
        {
            "training_class": training_class,
            "participants": participants,
            "runs": runs,
            "completed": sum(1 for p in participants if p.completed),
            "issued": sum(1 for p in participants if p.certificate),
            "closed": training_class.status == TrainingClass.Status.CLOSED,
        },
    )


@login_required
@require_GET
def certificates_pdf(request, pk: int):
    training_class, _runs = _class_for(request, pk)
    pdf = service.class_certificates_pdf(training_class)
    if pdf is None:
        messages.info(request, _("No certificate has been issued for this class yet."))
        return redirect("training:certificates", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = "".join(c for c in f"giay-chung-nhan-{training_class.code}" if c.isascii())
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _enrollment_for(request, pk: int) -> Enrollment:
    """The enrolment if it is the user's own or within their scope (403/404 otherwise)."""
    own = (
        Enrollment.objects.select_related("training_class__course", "person")
        .filter(pk=pk, person__user=request.user)
        .first()
    )
    if own is not None:
        return own
    return get_visible_or_404(request.user, Enrollment, "view", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def certificate(request, pk: int):
    enrollment = _enrollment_for(request, pk)
    training_class = enrollment.training_class
    runs = attendance_service.may_run(request.user, training_class, TrainingClass, "change")
    document = service.certificate_for(enrollment)
    if request.method == "POST":
        if not runs:
            raise PermissionDenied
        try:
            if request.POST.get("action") == "reissue":
                document = service.certificate_reissue(
                    enrollment=enrollment, by=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(
                    request,
                    _("The certificate was corrected: No. %(ref)s replaces the old one.")
                    % {"ref": document.reference},
                )
            else:
                document = service.certificate_issue(enrollment=enrollment, by=request.user)
                messages.success(
                    request, _("Certificate No. %(ref)s issued.") % {"ref": document.reference}
                )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect("training:certificate", pk=pk)
    if document is not None and request.GET.get("download") != "0":
        return pdf_response(document)
    return render(
        request,
        "training/certificates/one.html",
        {
            "enrollment": enrollment,
            "training_class": training_class,
            "document": document,
            "runs": runs,
        },
    )


urlpatterns = [
    path("classes/<int:pk>/certificates/", certificates, name="certificates"),
    path("classes/<int:pk>/certificates.pdf", certificates_pdf, name="certificates_pdf"),
    path("enrollments/<int:pk>/certificate/", certificate, name="certificate"),
]
