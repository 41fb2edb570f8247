"""Agreements: recorded by the programme office with the signed file, areas of work,
partners; status moves; bad input refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ctxh.cooperation.models import Agreement
from ctxh.cooperation.services.agreements import agreement_move, agreement_save
from ctxh.core.transitions import IllegalTransition
from ctxh.testing import database_snapshot

from .test_uploads import PNG
from .world import PDF

pytestmark = pytest.mark.django_db


def _fields(w, **extra):
    return {
        "title": "Thỏa thuận hợp tác về Chương trình phát triển CTXH",
        "number": "15/TTHT-SLĐTBXH",
        "agency": w.agency,
        "signed_on": dt.date(2023, 8, 10),
        "starts_on": dt.date(2023, 8, 10),
        "ends_on": dt.date(2030, 12, 31),
        "areas": ["social_work_days", "training"],
        **extra,
    }


def test_the_programme_office_records_an_agreement_with_its_signed_file(permission_world):
    w = permission_world
    agreement = agreement_save(
        by=w.programme,
        partners=[w.school],
        signed_file=SimpleUploadedFile("thoa-thuan.pdf", PDF),
        **_fields(w),
    )
    assert agreement.status == Agreement.Status.DRAFT
    assert agreement.signed_file.original_name == "thoa-thuan.pdf"
    assert agreement.signed_file.owner == agreement
    response = w.client("coordinator_b").get(
        reverse("cooperation:file", args=[agreement.signed_file.pk])
    )
    assert b"".join(response.streaming_content) == PDF
    agreement_move(agreement=agreement, to=Agreement.Status.IN_FORCE, by=w.programme)
    assert Agreement.objects.get(pk=agreement.pk).status == Agreement.Status.IN_FORCE
    with pytest.raises(IllegalTransition):
        agreement_move(agreement=agreement, to=Agreement.Status.DRAFT, by=w.programme)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"ends_on": dt.date(2022, 1, 1)}, "ends_on"),
        ({"starts_on": dt.date(2023, 1, 1)}, "starts_on"),  # before signing
        ({"areas": []}, "areas"),
        ({"areas": ["sports"]}, "areas"),
    ],
)
def test_bad_agreements_are_refused_with_nothing_written(permission_world, extra, field):
    w = permission_world
    before = database_snapshot()
    with pytest.raises(ValidationError) as error:
        agreement_save(by=w.programme, partners=[w.school], **_fields(w, **extra))
    assert field in error.value.message_dict
    assert database_snapshot() == before


def test_a_signed_file_of_the_wrong_type_writes_nothing(permission_world):
    w = permission_world
    before = database_snapshot()
    with pytest.raises(ValidationError) as error:
        agreement_save(
            by=w.programme,
            partners=[w.school],
            signed_file=SimpleUploadedFile("thoa-thuan.pdf", PNG),
            **_fields(w),
        )
    assert "signed_file" in error.value.message_dict
    assert database_snapshot() == before


def test_no_partner_and_self_partnership_are_refused(permission_world):
    w = permission_world
    with pytest.raises(ValidationError):
        agreement_save(by=w.programme, partners=[], **_fields(w))
    with pytest.raises(ValidationError):
        agreement_save(by=w.programme, partners=[w.agency], **_fields(w))


def test_only_the_programme_office_records_agreements(permission_world):
    w = permission_world
    with pytest.raises(PermissionDenied):
        agreement_save(by=w.coordinator, partners=[w.school], **_fields(w))


def test_the_edit_page_changes_partners_with_one_audit_event(permission_world):
    from ctxh.core.models import AuditEvent

    w = permission_world
    agreement_save(by=w.programme, agreement=w.agreement, partners=[w.school], title="Tên mới")
    event = AuditEvent.objects.filter(action="agreement.update").latest("pk")
    assert event.new_values["title"] == "Tên mới"
    assert event.new_values["partners"] == [w.school.pk]
