"""The practicum's official letters, issued through the documents app.

* the school's referral letter (giấy giới thiệu) for one student's placement;
* the school's referral letter for one facility, with the attached list of the school's
  students placed there in a period;
* the facility's acceptance letter (giấy tiếp nhận) for an accepted placement.

Each is a :class:`ctxh.documents.models.Document` whose source is the placement (the
period, for the list letter, with the facility in its inputs). Issuing twice gives the
letter already issued: a letter is re-issued from the documents' page, which voids the
old one. The letters are written in Vietnamese whatever the user's language.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctxh.core.notifications import notify, translatable
from ctxh.documents.models import Document, Kind
from ctxh.documents.services import documents_for, issue_document, valid_document_for

from .models import Placement, PlacementPeriod

ACTIVE = Placement.ACTIVE  # proposed, accepted or in practice


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _student_row(placement: Placement) -> dict:
    student = placement.student
    return {
        "name": student.full_name,
        "code": student.student_code,
        "date_of_birth": _date(student.date_of_birth),
        "phone": student.phone,
    }


def _placement_inputs(placement: Placement) -> dict:
    """What the referral and acceptance letters say about a placement, in Vietnamese."""
    with translation.override("vi"):
        round_ = placement.student.round
        facility = placement.facility
        instructor = (
            placement.instructor.instructor.person.full_name if placement.instructor else ""
        )
        return {
            "student": _student_row(placement),
            "school": placement.school.name,
            "facility": facility.name,
            "facility_address": facility.address,
            "round": round_.name,
            "practice_type": str(round_.get_practice_type_display()),
            "level": str(round_.get_level_display()),
            "starts_on": _date(round_.starts_on),
            "ends_on": _date(round_.ends_on),
            "required_hours": round_.required_hours,
            "instructor": instructor,
        }


def referral_letter(placement: Placement) -> Document | None:
    """The placement's valid referral letter, if issued."""
    return valid_document_for(placement, kind=Kind.REFERRAL)


def acceptance_letter(placement: Placement) -> Document | None:
    """The placement's valid acceptance letter, if issued."""
    return valid_document_for(placement, kind=Kind.ACCEPTANCE)


def referral_list_letter(*, period: PlacementPeriod, facility, school) -> Document | None:
    """The school's valid list letter to ``facility`` for ``period``, if issued."""
    return (
        documents_for(period, kind=Kind.REFERRAL_LIST)
        .filter(organization=school, status=Document.Status.VALID, inputs__facility_id=facility.pk)
        .first()
    )


def list_placements(*, period: PlacementPeriod, facility, school):
    """The school's active placements at ``facility`` in ``period``, by student name."""
    return (
        Placement.objects.filter(period=period, facility=facility, school=school, status__in=ACTIVE)
        .select_related("student", "student__round")
        .order_by("student__sort_key", "student__id")
    )


def _locked(placement: Placement) -> Placement:
    # Two clicks at the same moment issue one letter: the second waits, then finds it.
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("student__round", "school", "facility", "instructor__instructor__person")
        .get(pk=placement.pk)
    )


def _tell_student(placement: Placement, document: Document, title) -> None:
    """Tell the student their letter was issued (after the commit, for a new one)."""
    user = placement.student.user
    url = reverse("practicum:placement_detail", args=[placement.pk])

    def tell():
        notify(
            users=[user],
            title=title,
            body=translatable(
                gettext_lazy("Number %(reference)s, issued by %(issuer)s."),
                reference=document.reference,
                issuer=document.organization.name,
            ),
            url=url,
        )

    transaction.on_commit(tell)


def issue_referral_letter(*, placement: Placement, by) -> Document:
    """The school's referral letter for ``placement`` (issued once; the valid one after)."""
    with transaction.atomic():
        placement = _locked(placement)
        existing = referral_letter(placement)
        if existing is not None:
            return existing
        if placement.status not in ACTIVE:
            raise ValidationError(
                _("A referral letter is issued only for a proposed or accepted placement.")
            )
        inputs = _placement_inputs(placement)
        inputs["recipients"] = [placement.facility.name, "Sinh viên " + placement.student.full_name]
        document = issue_document(
            kind=Kind.REFERRAL,
            organization=placement.school,
            title="Giấy giới thiệu",
            holder_name=placement.student.full_name,
            template="practicum:referral",
            inputs=inputs,
            source=placement,
            by=by,
        )
        _tell_student(placement, document, gettext_lazy("Your referral letter was issued"))
        return document


def issue_referral_list_letter(*, period: PlacementPeriod, facility, school, by) -> Document:
    """The school's letter to ``facility`` referring all its students placed there in
    ``period``, with their list attached (issued once per school, facility and period)."""
    with transaction.atomic():
        PlacementPeriod.objects.select_for_update().get(pk=period.pk)
        existing = referral_list_letter(period=period, facility=facility, school=school)
        if existing is not None:
            return existing
        placements = list(list_placements(period=period, facility=facility, school=school))
        if not placements:
            raise ValidationError(_("The school has no student placed at this facility."))
        first_round = placements[0].student.round
        with translation.override("vi"):
            inputs = {
                "facility_id": facility.pk,
                "facility": facility.name,
                "facility_address": facility.address,
                "school": school.name,
                "period": period.name,
                "starts_on": _date(period.starts_on),
                "ends_on": _date(period.ends_on),
                "practice_type": str(first_round.get_practice_type_display()),
                "students": [
                    {**_student_row(p), "round": p.student.round.name} for p in placements
                ],
                "recipients": [facility.name],
            }
        return issue_document(
            kind=Kind.REFERRAL_LIST,
            organization=school,
            title="Giấy giới thiệu",
            holder_name=facility.name,
            holder_is_person=False,
            template="practicum:referral_list",
            inputs=inputs,
            source=period,
            by=by,
        )


def issue_acceptance_letter(*, placement: Placement, by) -> Document:
    """The facility's acceptance letter for an accepted ``placement`` (issued once)."""
    with transaction.atomic():
        placement = _locked(placement)
        existing = acceptance_letter(placement)
        if existing is not None:
            return existing
        if placement.status not in Placement.HOSTED:
            raise ValidationError(
                _("An acceptance letter is issued only once the facility has accepted the student.")
            )
        inputs = _placement_inputs(placement)
        inputs["recipients"] = [placement.school.name, "Sinh viên " + placement.student.full_name]
        document = issue_document(
            kind=Kind.ACCEPTANCE,
            organization=placement.facility,
            title="Giấy tiếp nhận",
            holder_name=placement.student.full_name,
            template="practicum:acceptance",
            inputs=inputs,
            source=placement,
            by=by,
        )
        _tell_student(placement, document, gettext_lazy("Your acceptance letter was issued"))
        return document
