"""Documents: numbering, voiding and re-issue, rendering (read back), the public page."""

import datetime as dt
import unicodedata
import warnings
from unittest import mock

import pytest
import segno
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from ctxh.core.models import AuditEvent
from ctxh.documents import rendering
from ctxh.documents.models import Document, Register
from ctxh.documents.selectors import holder_initials, verification
from ctxh.documents.services import (
    reissue_document,
    render_pdf,
    update_signer_settings,
    void_document,
)

from .helpers import pdf_text, sample_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Nguyễn Thị Hoa", "Nguyễn T. H."),
        ("Lê Văn", "Lê V."),
        ("  Trần   thị   ngọc   Ánh ", "Trần T. N. Á."),
        ("Hoa", "Hoa"),
        ("", ""),
    ],
)
def test_holder_initials(name, short):
    assert holder_initials(name) == short


def test_numbers_run_per_organisation_and_year(permission_world):
    w = permission_world
    first = sample_document(w.facility_a, w.manager_a)
    second = sample_document(w.facility_a, w.manager_a)
    other = sample_document(w.facility_b, w.manager_b)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert first.reference == f"1/GGT-{w.facility_a.code}"
    next_year = dt.date(first.issued_on.year + 1, 1, 2)
    with mock.patch("django.utils.timezone.localdate", return_value=next_year):
        new_year = sample_document(w.facility_a, w.manager_a)
    assert (new_year.year, new_year.number) == (next_year.year, 1)
    assert Register.objects.get(organization=w.facility_a, year=first.year).next_number == 3
    assert len({first.code, second.code, other.code, new_year.code}) == 4
    assert all(len(d.code) == 11 for d in (first, second, other))
    event = AuditEvent.objects.get(action="document.issue", object_id=str(first.pk))
    assert event.actor == w.manager_a and event.new_values["reference"] == first.reference


def test_issuing_is_scoped(permission_world):
    w = permission_world
    with pytest.raises(PermissionDenied):
        sample_document(w.facility_a, w.manager_b)
    with pytest.raises(PermissionDenied):
        sample_document(w.facility_a, w.viewer)
    assert not Document.objects.exists() and not Register.objects.exists()


def test_signer_settings_go_into_new_documents_only(permission_world):
    w = permission_world
    before = sample_document(w.facility_a, w.manager_a)
    update_signer_settings(
        organization=w.facility_a,
        by=w.manager_a,
        parent_body="Sở Y tế Thành phố Hồ Chí Minh",
        symbol="TTBT",
        place="TP. Hồ Chí Minh",
        signer_title="Giám đốc",
        signer_name="Trần Văn Bình",
    )
    after = sample_document(w.facility_a, w.manager_a)
    assert after.symbol == "GGT-TTBT" and before.symbol != after.symbol
    assert after.letterhead["signer_name"] == "Trần Văn Bình"
    assert "Trần Văn Bình" not in pdf_text(render_pdf(before))
    text = pdf_text(render_pdf(after))
    assert "Trần Văn Bình" in text and "GIÁM ĐỐC" in text and "SỞ Y TẾ" in text
    with pytest.raises(PermissionDenied):
        update_signer_settings(organization=w.facility_a, by=w.manager_b, symbol="X")


def test_void_and_reissue(permission_world):
    w = permission_world
    doc = sample_document(w.facility_a, w.manager_a)
    with pytest.raises(ValidationError):
        void_document(document=doc, reason="  ", by=w.manager_a)
    new = reissue_document(document=doc, by=w.manager_a, reason="Thất lạc bản gốc")
    doc.refresh_from_db()
    assert doc.status == Document.Status.VOID and doc.voided_at and doc.void_reason
    assert new.replaces == doc and doc.replaced_by == new
    assert new.number == doc.number + 1 and new.code != doc.code
    assert new.inputs == doc.inputs and new.holder_name == doc.holder_name
    assert AuditEvent.objects.filter(action="document.void", object_id=str(doc.pk)).exists()
    assert AuditEvent.objects.filter(action="document.reissue", object_id=str(new.pk)).exists()
    # A void document cannot be voided again.
    with pytest.raises(ValidationError):
        void_document(document=doc, reason="lần nữa", by=w.manager_a)


def _compile_strictly(template: str, data: dict) -> bytes:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pdf, messages = rendering.compile_template(template, data)
    assert messages == [], f"typst warnings in {template}: {messages}"
    return pdf


def test_the_pdf_reads_back_with_its_number_code_and_nfc_text(permission_world):
    w = permission_world
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoa")
    assert decomposed != "Nguyễn Thị Hoa"
    doc = sample_document(
        w.facility_a,
        w.manager_a,
        holder=decomposed,
        paragraphs=[
            f"Giới thiệu {decomposed}. Ký tự đặc biệt #let x = 1 $a$ *đậm* _nghiêng_ \\ <nhãn> @ref"
        ],
    )
    assert doc.holder_name == "Nguyễn Thị Hoa"  # stored in NFC
    pdf = _compile_strictly(doc.template, rendering.document_data(doc))
    assert pdf == render_pdf(doc)  # the same document renders to the same bytes
    text = pdf_text(pdf)
    for expected in (
        "Nguyễn Thị Hoa",
        doc.reference,
        doc.code,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"ngày {doc.issued_on:%d} tháng {doc.issued_on:%m} năm {doc.issued_on:%Y}",
        "#let x = 1 $a$ *đậm* _nghiêng_",  # user text is text, never typst markup
        "Nơi nhận:",
        "THỦ TRƯỞNG CƠ QUAN",  # the default signer title, in Vietnamese whatever the language
        rendering.verify_url(doc.code),
    ):
        assert expected in text, expected


def test_the_qr_code_holds_the_verification_url(permission_world, settings):
    settings.CTXH_BASE_URL = "https://ctxh.example.gov.vn/"
    doc = sample_document(permission_world.facility_a, permission_world.manager_a)
    data = rendering.document_data(doc)
    url = f"https://ctxh.example.gov.vn/verify/{doc.code}/"
    assert data["document"]["verify_url"] == url
    assert data["document"]["qr_svg"] == segno.make_qr(url, error="m").svg_inline(scale=4, border=2)


def test_only_vendored_fonts_and_known_templates():
    families = rendering._fonts().families()
    assert families == ["Tinos"]
    for bad in ("../etc/passwd", "documents:../x", "documents:missing", ""):
        with pytest.raises(ValueError):
            rendering.template_path(bad)


# --- the public page ---------------------------------------------------------------------


def test_verify_valid_shows_no_personal_data(permission_world):
    w = permission_world
    doc = sample_document(w.facility_a, w.manager_a, holder="Nguyễn Thị Hoa")
    response = Client().get(reverse("verify", kwargs={"code": doc.code}))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="verify-valid"' in page
    assert "Nguyễn T. H." in page and "Nguyễn Thị Hoa" not in page
    assert doc.reference in page and w.facility_a.name in page
    assert "Trân trọng giới thiệu" not in page  # the letter's body stays private
    assert verification(doc.code)["valid"] is True


def test_verify_void_says_since_when_and_the_replacement(permission_world):
    w = permission_world
    doc = sample_document(w.facility_a, w.manager_a)
    new = reissue_document(document=doc, by=w.manager_a)
    page = Client().get(reverse("verify", kwargs={"code": doc.code})).content.decode()
    assert 'data-testid="verify-void"' in page
    assert new.reference in page and doc.voided_at.strftime("%d/%m/%Y") in page


def test_verify_wrong_code_is_a_clear_404():
    response = Client().get(reverse("verify", kwargs={"code": "khong-co-ma"}))
    assert response.status_code == 404
    assert 'data-testid="verify-missing"' in response.content.decode()


def test_verify_lookup_form_redirects_to_the_code():
    client = Client()
    assert client.get(reverse("verify_lookup")).status_code == 200
    response = client.get(reverse("verify_lookup"), {"code": " abc-DEF_1 "})
    assert response.status_code == 302 and response["Location"] == "/verify/abc-DEF_1/"
    assert client.get(reverse("verify_lookup"), {"code": "<script>"}).status_code == 404


def test_verify_is_rate_limited_per_client(settings):
    settings.CTXH_VERIFY_RATE_LIMIT = 3
    url = reverse("verify", kwargs={"code": "khong-co-ma"})
    client = Client(REMOTE_ADDR="203.0.113.7")
    assert [client.get(url).status_code for _ in range(3)] == [404, 404, 404]
    limited = client.get(url)
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert 'data-testid="verify-limited"' in limited.content.decode()
    # Another address is not affected.
    assert Client(REMOTE_ADDR="203.0.113.8").get(url).status_code == 404


def test_issuer_pages_search_and_download(permission_world):
    w = permission_world
    doc = sample_document(w.facility_a, w.manager_a, holder="Phạm Văn Minh")
    sample_document(w.facility_a, w.manager_a, holder="Lê Thị Lan")
    client = w.client("manager_a")
    page = client.get(reverse("documents:list"), {"q": "pham van"}).content.decode()
    assert "Phạm Văn Minh" in page and "Lê Thị Lan" not in page
    response = client.get(reverse("documents:pdf", kwargs={"pk": doc.pk}))
    assert response["Content-Type"] == "application/pdf"
    assert "Phạm Văn Minh" in pdf_text(response.content)
    bad = client.post(reverse("documents:void", kwargs={"pk": doc.pk}), {"reason": ""})
    assert bad.status_code == 200 and Document.objects.get(pk=doc.pk).status == "valid"


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_share_a_number():
    """Eight threads issuing at once on PostgreSQL take eight consecutive numbers."""
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's (SQLite serialises writers)")
    from ctxh.organizations.tests.factories import FacilityFactory
    from ctxh.testing import make_user

    facility = FacilityFactory(code="RACE-FAC")
    manager = make_user("facility_manager", facility)
    barrier = threading.Barrier(8)
    errors = []

    def issue():
        try:
            barrier.wait()
            sample_document(facility, manager)
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = sorted(
        Document.objects.filter(organization=facility).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 9))
