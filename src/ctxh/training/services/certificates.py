"""Training certificates (giấy chứng nhận), issued through the documents app.

A certificate is a :class:`ctxh.documents.models.Document` of kind
``training_certificate`` numbered in the class ORGANISER's register, whose source is the
enrolment; its inputs say, in Vietnamese, who completed which course, for how many hours,
between which dates, in which class. Only a completed enrolment gets one; issuing twice
gives the certificate already issued; a correction re-issues it (the old one is voided
and says so on its verification page). All the certificates of a class print as ONE
typst document, a page each (:func:`class_certificates_pdf`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ctxh.documents import rendering
from ctxh.documents.models import Document, Kind
from ctxh.documents.services import (
    documents_for,
    issue_document,
    reissue_document,
    valid_document_for,
)

from ..models import Enrollment, TrainingClass
from .attendance import may_run

KIND = Kind.TRAINING_CERTIFICATE
TEMPLATE = "training:certificate"
BUNDLE_TEMPLATE = "training:certificates"
TITLE = "Giấy chứng nhận"


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _hours(value) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def certificate_inputs(enrollment: Enrollment) -> dict:
    """What a certificate says about ``enrollment``, in Vietnamese, kept in the document
    so it renders the same years later."""
    klass = enrollment.training_class
    course = klass.course
    person = enrollment.person
    with translation.override("vi"):
        return {
            "person": enrollment.participant_name,
            "date_of_birth": _date(person.date_of_birth if person else enrollment.date_of_birth),
            "organization": enrollment.organization.name if enrollment.organization_id else "",
            "course": course.title,
            "course_code": course.code,
            "level": str(course.get_level_display()),
            "hours": _hours(course.hours),
            "class_name": klass.name,
            "class_code": klass.code,
            "starts_on": _date(klass.starts_on),
            "ends_on": _date(klass.ends_on),
            "organizer": klass.organizer.name,
            "provider": klass.provider.name if klass.provider_id else "",
            "attendance_rate": (
                f"{enrollment.attendance_rate:.0f}"
                if enrollment.attendance_rate is not None
                else ""
            ),
            "test_score": (
                f"{enrollment.test_score:.1f}".replace(".", ",")
                if enrollment.test_score is not None
                else ""
            ),
        }


def certificate_for(enrollment: Enrollment) -> Document | None:
    """The enrolment's valid certificate, if issued."""
    return valid_document_for(enrollment, kind=KIND)


def _check(by, training_class: TrainingClass) -> None:
    if not may_run(by, training_class, TrainingClass, "change"):
        raise PermissionDenied(_("You may not issue certificates for this class."))


def _issue(enrollment: Enrollment, by) -> Document:
    if enrollment.training_class.status != TrainingClass.Status.CLOSED:
        raise ValidationError(_("Certificates are issued once the class is closed."))
    if enrollment.status != Enrollment.Status.ACCEPTED or not enrollment.completed:
        raise ValidationError(
            _(
                "%(name)s did not complete the class: a certificate is issued only to a "
                "participant who met its completion rule."
            )
            % {"name": enrollment.participant_name}
        )
    return issue_document(
        kind=KIND,
        organization=enrollment.training_class.organizer,
        title=TITLE,
        holder_name=enrollment.participant_name,
        template=TEMPLATE,
        inputs=certificate_inputs(enrollment),
        source=enrollment,
        by=by,
    )


def _locked(enrollment: Enrollment) -> Enrollment:
    # Two clicks at once issue one certificate: the second waits, then finds it.
    return (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related(
            "person",
            "organization",
            "training_class__course",
            "training_class__organizer",
            "training_class__provider",
        )
        .get(pk=enrollment.pk)
    )


def certificate_issue(*, enrollment: Enrollment, by) -> Document:
    """The certificate of a completed ``enrollment``, in its class organiser's register
    (issued once: the valid one after). Someone who did not complete: ValidationError,
    nothing written."""
    _check(by, enrollment.training_class)
    with transaction.atomic():
        enrollment = _locked(enrollment)
        existing = certificate_for(enrollment)
        if existing is not None:
            return existing
        return _issue(enrollment, by)


def certificates_issue_all(*, training_class: TrainingClass, by) -> list[Document]:
    """Issue the certificate of every completed participant of ``training_class`` who has
    none yet (one transaction). Returns the certificates issued now."""
    _check(by, training_class)
    if training_class.status != TrainingClass.Status.CLOSED:
        raise ValidationError(_("Certificates are issued once the class is closed."))
    with transaction.atomic():
        enrollments = list(
            Enrollment.objects.select_for_update(of=("self",))
            .filter(
                training_class=training_class, status=Enrollment.Status.ACCEPTED, completed=True
            )
            .select_related(
                "person",
                "organization",
                "training_class__course",
                "training_class__organizer",
                "training_class__provider",
            )
            .order_by("person__sort_key", "full_name", "id")
        )
        have = set(
            Document.objects.filter(
                kind=KIND, status=Document.Status.VALID, source_id__in=[e.pk for e in enrollments]
            )
            .filter(source_type__model="enrollment", source_type__app_label="training")
            .values_list("source_id", flat=True)
        )
        return [_issue(e, by) for e in enrollments if e.pk not in have]


def certificate_reissue(*, enrollment: Enrollment, by, reason: str = "") -> Document:
    """Correct the certificate of ``enrollment``: void the valid one and issue a new one
    from the enrolment as it is now (a corrected name, dates, hours)."""
    _check(by, enrollment.training_class)
    with transaction.atomic():
        enrollment = _locked(enrollment)
        existing = certificate_for(enrollment)
        if existing is None:
            return _issue(enrollment, by)
        if not enrollment.completed:
            raise ValidationError(_("This participant no longer meets the completion rule."))
        return reissue_document(
            document=existing,
            by=by,
            inputs=certificate_inputs(enrollment),
            reason=reason or _("Corrected certificate."),
        )


def class_certificates(training_class: TrainingClass):
    """The valid certificates of ``training_class``, in the order of the participants."""
    ids = list(
        Enrollment.objects.filter(training_class=training_class)
        .order_by("person__sort_key", "full_name", "id")
        .values_list("pk", flat=True)
    )
    order = {pk: i for i, pk in enumerate(ids)}
    found = Document.objects.filter(
        kind=KIND,
        status=Document.Status.VALID,
        source_type__app_label="training",
        source_type__model="enrollment",
        source_id__in=ids,
    )
    return sorted(found, key=lambda d: order.get(d.source_id, 0))


def certificates_pdf(documents: list[Document]) -> bytes:
    """One PDF of ``documents`` (certificates), a page each, compiled once."""
    data = {"certificates": [rendering.document_data(d) for d in documents]}
    pdf, _warnings = rendering.compile_template(BUNDLE_TEMPLATE, data)
    return pdf


def class_certificates_pdf(training_class: TrainingClass) -> bytes | None:
    """Every valid certificate of the class as one PDF (None when none is issued)."""
    documents = class_certificates(training_class)
    return certificates_pdf(documents) if documents else None


__all__ = [
    "certificate_for",
    "certificate_inputs",
    "certificate_issue",
    "certificate_reissue",
    "certificates_issue_all",
    "certificates_pdf",
    "class_certificates",
    "class_certificates_pdf",
    "documents_for",
]
