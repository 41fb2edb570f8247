"""The practicum's letters: issued once, downloaded as PDF naming the student, the facility,
the number and the code; verified on the public page; scoped."""

import warnings

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ctxh.documents import rendering
from ctxh.documents.models import Document, Kind
from ctxh.documents.tests.helpers import pdf_text
from ctxh.practicum import letters
from ctxh.practicum.models import Placement

pytestmark = pytest.mark.django_db


def _strict_pdf(document) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pdf, messages = rendering.compile_template(
            document.template, rendering.document_data(document)
        )
    assert messages == [], messages
    return pdf


def _accept(placement, by):
    Placement.objects.filter(pk=placement.pk).update(
        status=Placement.Status.ACCEPTED, decided_by=by
    )
    placement.refresh_from_db()
    return placement


def test_referral_letter_issue_download_and_verify(permission_world):
    w = permission_world
    url = reverse("practicum:letter_referral", kwargs={"pk": w.placement_a.pk})
    client = w.client("coordinator")
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="issue-letter"' in page.content
    issued = client.post(url)
    assert issued.status_code == 302 and issued["Location"].endswith("?issued=1")
    # The page that follows says the letter is issued (its code links to the verification)
    # and starts the download itself.
    after = client.get(issued["Location"])
    assert b'data-testid="letter-issued"' in after.content
    assert b'http-equiv="refresh"' in after.content
    document = Document.objects.get(kind=Kind.REFERRAL)
    assert document.code.encode() in after.content
    assert document.organization == w.school and document.source == w.placement_a
    assert document.holder_name == "Đỗ Thị Mai"
    # Issuing again gives the same letter (one per placement).
    client.post(url)
    assert Document.objects.filter(kind=Kind.REFERRAL).count() == 1
    download = client.get(url)
    assert download["Content-Type"] == "application/pdf"
    text = pdf_text(download.content)
    for expected in ("Đỗ Thị Mai", "SV1001", w.facility_a.name, document.reference, document.code):
        assert expected in text, expected
    assert "GIẤY GIỚI THIỆU" in text and w.school.name.upper() in text
    assert _strict_pdf(document) == download.content
    # The QR code's page says it is genuine, with the initials only.
    cache.clear()
    verify = Client().get(reverse("verify", kwargs={"code": document.code})).content.decode()
    assert 'data-testid="verify-valid"' in verify and "Đỗ T. M." in verify
    assert "Đỗ Thị Mai" not in verify and "SV1001" not in verify


def test_the_student_downloads_their_own_letter_only_once_issued(permission_world):
    w = permission_world
    student_user = w.placement_a.student.user
    client = Client()
    client.force_login(student_user)
    url = reverse("practicum:letter_referral", kwargs={"pk": w.placement_a.pk})
    page = client.get(url)
    assert page.status_code == 200 and b'data-testid="issue-letter"' not in page.content
    assert client.post(url).status_code == 403
    assert not Document.objects.exists()
    letters.issue_referral_letter(placement=w.placement_a, by=w.coordinator)
    assert "Đỗ Thị Mai" in pdf_text(client.get(url).content)


def test_acceptance_letter_needs_an_accepted_placement(permission_world):
    w = permission_world
    with pytest.raises(ValidationError):
        letters.issue_acceptance_letter(placement=w.placement_a, by=w.manager_a)
    placement = _accept(w.placement_a, w.manager_a)
    with pytest.raises(PermissionDenied):
        letters.issue_acceptance_letter(placement=placement, by=w.coordinator)
    document = letters.issue_acceptance_letter(placement=placement, by=w.manager_a)
    assert document.organization == w.facility_a and document.reference.startswith("1/GTN-")
    text = pdf_text(_strict_pdf(document))
    for expected in ("GIẤY TIẾP NHẬN", "Đỗ Thị Mai", w.school.name, document.code):
        assert expected in text, expected


def test_the_list_letter_names_every_student_placed_at_the_facility(permission_world):
    w = permission_world
    url = reverse(
        "practicum:letter_referral_list",
        kwargs={"period_pk": w.past_period.pk, "facility_pk": w.facility_a.pk},
    )
    client = w.client("coordinator")
    assert b"\xc4\x90\xe1\xbb\x97 Th\xe1\xbb\x8b Mai" in client.get(url).content  # Đỗ Thị Mai
    assert client.post(url).status_code == 302
    document = Document.objects.get(kind=Kind.REFERRAL_LIST)
    assert document.holder_name == w.facility_a.name and not document.holder_is_person
    text = pdf_text(client.get(url).content)
    assert "DANH SÁCH SINH VIÊN THỰC TẬP" in text and "Đỗ Thị Mai" in text and "SV1001" in text
    assert document.reference in text
    # Facility B has no student of school A: nothing to refer.
    other = reverse(
        "practicum:letter_referral_list",
        kwargs={"period_pk": w.past_period.pk, "facility_pk": w.facility_b.pk},
    )
    assert client.get(other).status_code == 404
