"""Participation certificates (numbered in the lead organiser's register, one landscape
PDF for all, genuine on /verify/) and the proceedings PDF with the agenda and abstracts."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from ctxh.cooperation.models import Presentation, Registration
from ctxh.cooperation.services import event_certificates as service
from ctxh.documents import rendering
from ctxh.documents.models import Document, Kind
from ctxh.documents.tests.helpers import pdf_text
from ctxh.testing import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(permission_world):
    w = permission_world
    w.absent = Registration.objects.create(
        event=w.event_held, full_name="Vắng Mặt", email="vang@example.org"
    )
    return w


def test_certificates_for_attendees_only_one_pdf_genuine(w):
    issued = service.certificates_issue_all(event=w.event_held, by=w.coordinator)
    assert [d.holder_name for d in issued] == ["Khách Mời Thử"]
    document = issued[0]
    assert document.kind == Kind.EVENT_CERTIFICATE and document.organization == w.school
    assert document.reference.startswith("1/GCN-")
    w.registration_held.refresh_from_db()
    assert w.registration_held.certificate == document
    assert service.certificates_issue_all(event=w.event_held, by=w.coordinator) == []
    with pytest.raises(ValidationError):
        service.certificate_issue(registration=w.absent, by=w.coordinator)
    pdf = service.event_certificates_pdf(w.event_held)
    _pdf, typst_warnings = rendering.compile_template(
        service.BUNDLE_TEMPLATE, {"certificates": [rendering.document_data(document)]}
    )
    assert typst_warnings == []
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = pdf_text(pdf)
    assert "Khách Mời Thử" in text and "Hội nghị đã tổ chức" in text
    assert "GIẤY CHỨNG NHẬN" in text and document.code in text
    html = Client().get(reverse("verify", kwargs={"code": document.code})).content.decode()
    assert 'data-testid="verify-valid"' in html
    response = client_for(w.coordinator).get(
        reverse("cooperation:event_certificates_pdf", args=[w.event_held.pk])
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")


def test_no_certificates_before_the_event_is_held(w):
    with pytest.raises(ValidationError) as error:
        service.certificates_issue_all(event=w.event_a, by=w.coordinator)
    assert error.value.code == "not_held"
    assert not Document.objects.filter(kind=Kind.EVENT_CERTIFICATE).exists()


def test_proceedings_contain_agenda_and_abstracts(w):
    Presentation.objects.create(
        event=w.event_a,
        title="Chuyên nghiệp hóa dịch vụ CTXH tại cơ sở",
        authors="TS. Lê Thị B (Trường Thử)",
        abstract="Tham luận trình bày mô hình quản lý ca #1 *không* phải mã.",
        order=2,
    )
    response = client_for(w.student).get(reverse("cooperation:proceedings", args=[w.event_a.pk]))
    assert response.status_code == 200
    _pdf, typst_warnings = rendering.compile_template(
        service.PROCEEDINGS_TEMPLATE, service.proceedings_data(w.event_a)
    )
    assert typst_warnings == []
    text = pdf_text(response.content)
    assert "KỶ YẾU" in text and "Hội thảo thử" in text
    assert "Khai mạc" in text  # the agenda
    assert "Tham luận thử" in text and "Tóm tắt." in text
    assert "Chuyên nghiệp hóa dịch vụ CTXH tại cơ sở" in text
    assert "#1 *không* phải mã" in text


def test_event_pages_render(w):
    client = client_for(w.coordinator)
    detail = client.get(reverse("cooperation:event_detail", args=[w.event_a.pk]))
    html = detail.content.decode()
    assert detail.status_code == 200 and "Tham luận thử" in html and w.person_a.full_name in html
    listing = client.get(reverse("cooperation:events"), {"kind": "workshop", "q": "hoi thao"})
    assert "Hội thảo thử" in listing.content.decode()
    qr = client.get(reverse("cooperation:event_qr", args=[w.event_a.pk]))
    assert "<svg" in qr.content.decode()
    bad = client.post(
        reverse("cooperation:event_create"),
        {
            "kind": "workshop",
            "level": "city",
            "title": "Sai",
            "lead_organizer": w.school.pk,
            "starts_at": "2030-05-01T08:00",
            "ends_at": "2030-05-01T07:00",
            "registration_mode": "open",
        },
    )
    assert bad.status_code == 200
    assert "ends before it starts" in bad.content.decode() or "kết thúc" in bad.content.decode()
