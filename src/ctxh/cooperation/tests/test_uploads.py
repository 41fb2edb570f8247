"""The one upload mechanism: type read from the content, size limit, private storage, the
file view that asks the owner's scope; a refused file writes nothing, on disk or in the
database."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ctxh.cooperation.models import Attachment
from ctxh.cooperation.services.uploads import attachment_add, sniff, upload_check
from ctxh.core.models import AuditEvent
from ctxh.testing import database_snapshot

from .world import PDF

pytestmark = pytest.mark.django_db


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PPTX = _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
PLAIN_ZIP = _zip({"readme.txt": b"hello"})
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PDF, "pdf"),
        (DOCX, "docx"),
        (XLSX, "xlsx"),
        (PPTX, "pptx"),
        (OLE, "ole"),
        (PNG, "png"),
        (JPEG, "jpeg"),
        (GIF, "gif"),
        (WEBP, "webp"),
        (PLAIN_ZIP, None),
        (b"<html><script>alert(1)</script>", None),
        (b"MZ\x90\x00", None),
    ],
)
def test_sniff_reads_the_content(data, kind):
    assert sniff(io.BytesIO(data)) == kind


@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("bao-cao.pdf", PDF, "application/pdf"),
        (
            "ke-hoach.DOCX",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("so-lieu.xls", OLE, "application/vnd.ms-excel"),
        ("anh.jpg", JPEG, "image/jpeg"),
        ("anh.jpeg", JPEG, "image/jpeg"),
    ],
)
def test_accepted_files_get_the_type_of_their_extension(name, data, mime):
    assert upload_check(SimpleUploadedFile(name, data)).mime_type == mime


def _refused(world, file, by=None):
    before = database_snapshot()
    with pytest.raises(ValidationError) as error:
        attachment_add(owner=world.task_a, file=file, by=by or world.coordinator)
    assert database_snapshot() == before  # no row, no audit event, no file on disk
    return " ".join(error.value.messages)


def test_a_pdf_that_is_a_zip_is_refused_in_vietnamese(permission_world):
    with translation.override("vi"):
        message = _refused(permission_world, SimpleUploadedFile("bao-cao.pdf", DOCX))
    assert "bao-cao.pdf" in message
    assert "Word (docx)" in message
    assert "không có gì được lưu" in message.lower()


def test_content_of_no_accepted_type_is_refused(permission_world):
    with translation.override("vi"):
        message = _refused(permission_world, SimpleUploadedFile("trang.pdf", b"<html></html>"))
    assert "không thuộc loại được chấp nhận" in message


def test_a_file_larger_than_the_limit_is_refused(permission_world, settings):
    settings.CTXH_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("lon.pdf", PDF + b"0" * (1024 * 1024))
    with translation.override("vi"):
        message = _refused(permission_world, big)
    assert "1 MB" in message


def test_an_empty_file_is_refused(permission_world):
    _refused(permission_world, SimpleUploadedFile("rong.pdf", b""))


def test_a_partner_attaches_to_its_own_task_only(permission_world):
    w = permission_world
    before = database_snapshot()
    with pytest.raises(PermissionDenied):
        attachment_add(owner=w.task_b, file=SimpleUploadedFile("x.pdf", PDF), by=w.coordinator)
    assert database_snapshot() == before


def test_a_file_is_stored_privately_audited_and_served_with_safe_headers(
    permission_world, settings
):
    w = permission_world
    attachment = attachment_add(
        owner=w.task_a, file=SimpleUploadedFile("../../Minh chứng.pdf", PDF), by=w.coordinator
    )
    assert attachment.original_name == "Minh chứng.pdf"
    assert attachment.organization == w.school
    path = attachment.file.path
    assert path.startswith(os.path.join(str(settings.MEDIA_ROOT), "private"))
    with open(path, "rb") as stream:
        assert stream.read() == PDF
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 — no URL serves the private folder
    event = AuditEvent.objects.get(action="attachment.add", object_id=str(attachment.pk))
    assert event.actor == w.coordinator
    assert event.new_values["size"] == len(PDF)

    response = w.client("coordinator_b").get(reverse("cooperation:file", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")


def test_the_file_view_asks_the_owners_scope(permission_world):
    w = permission_world
    url = reverse("cooperation:file", args=[w.person_file_a.pk])
    assert w.client("manager_a").get(url).status_code == 200
    assert w.client("manager_b").get(url).status_code == 404
    missing = reverse("cooperation:file", args=[Attachment.objects.order_by("-pk")[0].pk + 1])
    assert w.client("programme").get(missing).status_code == 404


def test_a_failure_after_the_write_removes_the_file(permission_world, monkeypatch, settings):
    w = permission_world
    files_before = database_snapshot()["<MEDIA_ROOT files>"]

    def boom(**kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr("ctxh.cooperation.services.uploads.audit.record", boom)
    with pytest.raises(RuntimeError):
        attachment_add(owner=w.task_a, file=SimpleUploadedFile("a.pdf", PDF), by=w.coordinator)
    assert database_snapshot()["<MEDIA_ROOT files>"] == files_before
    assert Attachment.objects.filter(object_id=w.task_a.pk, original_name="a.pdf").count() == 0


def test_a_presentation_file_goes_through_the_one_upload_check(permission_world):
    """A presentation's slides are attached by content check, served by its event's scope;
    a file whose content is not its type writes nothing (neither the edit nor the file)."""
    from ctxh.cooperation.models import Presentation
    from ctxh.cooperation.services.events import presentation_save
    from ctxh.cooperation.services.uploads import attachments_of

    w = permission_world
    presentation = w.presentation_a
    organiser = w.programme
    before = database_snapshot()
    with pytest.raises(ValidationError):
        presentation_save(
            event=presentation.event,
            by=organiser,
            presentation=Presentation.objects.get(pk=presentation.pk),
            title="Đổi tên",
            file=SimpleUploadedFile("tham-luan.pdf", _zip({"a.txt": b"x"})),
        )
    assert database_snapshot() == before
    presentation_save(
        event=presentation.event,
        by=organiser,
        presentation=Presentation.objects.get(pk=presentation.pk),
        file=SimpleUploadedFile("tham-luan.pdf", PDF),
    )
    (attachment,) = attachments_of(presentation, purpose="presentation")
    assert attachment.mime_type == "application/pdf"
    page = w.client("viewer").get(reverse("cooperation:file", args=[attachment.pk]))
    assert page.status_code == 200 and page["X-Content-Type-Options"] == "nosniff"
