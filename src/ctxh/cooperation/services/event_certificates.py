"""Participation certificates (giấy chứng nhận tham dự) of an event, and its proceedings.

A certificate is a :class:`ctxh.documents.models.Document` of kind ``event_certificate``
numbered in the event's LEAD ORGANISER's register, whose source is the registration; its
inputs say, in Vietnamese, who attended which event, where and when. Only an attended
registration gets one, once (issuing again gives the one already issued). All the
certificates of an event print as ONE typst document, a page each.

The proceedings (kỷ yếu) are a plain PDF — not a numbered document: nothing is certified,
it is the event's programme and abstracts — with the agenda and every presentation's
title, authors and abstract (:func:`proceedings_pdf`).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ctxh.documents import rendering
from ctxh.documents.models import Document, Kind
from ctxh.documents.services import issue_document, valid_document_for

from ..models import Event, Registration
from ..models.events import may_manage_event

KIND = Kind.EVENT_CERTIFICATE
TEMPLATE = "cooperation:event_certificate"
BUNDLE_TEMPLATE = "cooperation:event_certificates"
PROCEEDINGS_TEMPLATE = "cooperation:proceedings"
TITLE = "Giấy chứng nhận"
#: Statuses of an event whose attendees get certificates.
ISSUING = (Event.Status.HELD, Event.Status.CLOSED)


def _dates(event: Event) -> str:
    starts = timezone.localtime(event.starts_at).date()
    ends = timezone.localtime(event.ends_at).date()
    if starts == ends:
        return f"ngày {starts:%d/%m/%Y}"
    return f"từ ngày {starts:%d/%m/%Y} đến ngày {ends:%d/%m/%Y}"


def certificate_inputs(registration: Registration) -> dict:
    """What a certificate says about ``registration``, in Vietnamese, kept in the document
    so it renders the same years later."""
    event = registration.event
    with translation.override("vi"):
        return {
            "subtitle": "Chứng nhận tham dự",
            "person": registration.full_name,
            "organization": registration.organization_label,
            "event": event.title,
            "kind": str(event.get_kind_display()),
            "level": str(event.get_level_display()),
            "dates": _dates(event),
            "venue": event.venue,
            "organizers": [event.lead_organizer.name]
            + [o.name for o in event.organizers.all() if o.pk != event.lead_organizer_id],
        }


def certificate_for(registration: Registration) -> Document | None:
    return valid_document_for(registration, kind=KIND)


def _check(by, event: Event) -> None:
    if not may_manage_event(by, event):
        raise PermissionDenied(_("You may not issue certificates for this event."))
    if event.status not in ISSUING:
        raise ValidationError(
            _("Certificates are issued once the event is held (it is %(s)s).")
            % {"s": event.get_status_display().lower()},
            code="not_held",
        )


def _issue(registration: Registration, by) -> Document:
    if registration.status != Registration.Status.ATTENDED:
        raise ValidationError(
            _("%(name)s did not attend: a certificate is issued only to an attendee.")
            % {"name": registration.full_name},
            code="not_attended",
        )
    document = issue_document(
        kind=KIND,
        organization=registration.event.lead_organizer,
        title=TITLE,
        holder_name=registration.full_name,
        template=TEMPLATE,
        inputs=certificate_inputs(registration),
        source=registration,
        by=by,
    )
    Registration.objects.filter(pk=registration.pk).update(certificate=document)
    registration.certificate = document
    return document


def certificate_issue(*, registration: Registration, by) -> Document:
    """The certificate of an attendee (issued once: the valid one after)."""
    event = registration.event
    _check(by, event)
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("event__lead_organizer", "organization")
            .get(pk=registration.pk)
        )
        existing = certificate_for(registration)
        if existing is not None:
            return existing
        return _issue(registration, by)


def certificates_issue_all(*, event: Event, by) -> list[Document]:
    """Issue the certificate of every attendee of ``event`` who has none yet (one
    transaction). Returns the certificates issued now."""
    _check(by, event)
    with transaction.atomic():
        rows = list(
            Registration.objects.select_for_update(of=("self",))
            .filter(event=event, status=Registration.Status.ATTENDED)
            .select_related("event__lead_organizer", "organization")
            .order_by("full_name", "id")
        )
        have = set(
            Document.objects.filter(
                kind=KIND,
                status=Document.Status.VALID,
                source_type__app_label="cooperation",
                source_type__model="registration",
                source_id__in=[r.pk for r in rows],
            ).values_list("source_id", flat=True)
        )
        organizers = list(event.organizers.all())
        issued = []
        for row in rows:
            if row.pk in have:
                continue
            row.event._prefetched_objects_cache = {"organizers": organizers}
            issued.append(_issue(row, by))
        return issued


def event_certificates(event: Event) -> list[Document]:
    """The valid certificates of ``event``, in the order of the attendees' names."""
    ids = list(
        Registration.objects.filter(event=event)
        .order_by("full_name", "id")
        .values_list("pk", flat=True)
    )
    order = {pk: i for i, pk in enumerate(ids)}
    found = Document.objects.filter(
        kind=KIND,
        status=Document.Status.VALID,
        source_type__app_label="cooperation",
        source_type__model="registration",
        source_id__in=ids,
    )
    return sorted(found, key=lambda d: order.get(d.source_id, 0))


def event_certificates_pdf(event: Event) -> bytes | None:
    """Every valid certificate of the event as one PDF (None when none is issued)."""
    documents = event_certificates(event)
    if not documents:
        return None
    data = {"certificates": [rendering.document_data(d) for d in documents]}
    pdf, _warnings = rendering.compile_template(BUNDLE_TEMPLATE, data)
    return pdf


# --- the proceedings ----------------------------------------------------------------------


def proceedings_data(event: Event) -> dict:
    """What the proceedings print: the event, its agenda and its presentations."""
    with translation.override("vi"):
        return {
            "title": event.title,
            "kind": str(event.get_kind_display()),
            "level": str(event.get_level_display()),
            "dates": _dates(event),
            "venue": event.venue,
            "organizers": [event.lead_organizer.name]
            + [o.name for o in event.organizers.all() if o.pk != event.lead_organizer_id],
            "agenda": [line for line in event.agenda.splitlines() if line.strip()],
            "presentations": [
                {
                    "number": i,
                    "title": p.title,
                    "authors": p.authors,
                    "paragraphs": [t for t in p.abstract.splitlines() if t.strip()],
                }
                for i, p in enumerate(event.presentations.all(), start=1)
            ],
        }


def proceedings_pdf(event: Event) -> bytes:
    """The proceedings of ``event`` as one PDF (agenda, then the abstracts)."""
    pdf, _warnings = rendering.compile_template(PROCEEDINGS_TEMPLATE, proceedings_data(event))
    return pdf
