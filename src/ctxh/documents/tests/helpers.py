"""Shared by the documents' tests: issuing a document in a test, reading a PDF back."""

from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader

from ctxh.documents.models import Kind
from ctxh.documents.services import issue_document


def pdf_text(pdf: bytes) -> str:
    """The text of every page of ``pdf`` (NFC), read back with pypdf."""
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return unicodedata.normalize("NFC", text)


def sample_document(organization, by, *, holder="Nguyễn Thị Hoa", paragraphs=None, **extra):
    """A plain letter of ``organization`` issued by ``by`` (template documents:sample)."""
    return issue_document(
        kind=extra.pop("kind", Kind.REFERRAL),
        organization=organization,
        title="Giấy giới thiệu",
        holder_name=holder,
        template="documents:sample",
        inputs={
            "paragraphs": paragraphs or [f"Trân trọng giới thiệu {holder} đến liên hệ công tác."],
            "recipients": ["Như trên"],
        },
        by=by,
        **extra,
    )
