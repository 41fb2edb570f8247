"""The one upload mechanism of the cooperation app (and of anyone who attaches files to
its records): :func:`attachment_add`, :func:`attachment_delete`, :func:`upload_check`.

The type of a file is read from its first bytes, never from its name or from the type the
browser declares: PDF (``%PDF-``), Office Open XML (a ZIP holding ``[Content_Types].xml``:
docx, xlsx, pptx), legacy Office (OLE, ``D0 CF 11 E0``: doc, xls, ppt) and images (PNG,
JPEG, GIF, WebP). The name's extension must agree with the content, and the file must not be
larger than ``settings.CTXH_UPLOAD_MAX_MB`` (20 MB unless set). A refused file leaves
nothing behind: no row and no file on disk.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import _follow, _paths, scope_for

from ..models import Attachment

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "Sniffed",
    "attachment_add",
    "attachment_delete",
    "attachments_of",
    "max_upload_bytes",
    "sniff",
    "upload_check",
]

_OOXML = "application/vnd.openxmlformats-officedocument."
#: What each kind of content may be named, and the type it is served with.
KINDS: dict[str, tuple[str, dict[str, str]]] = {
    # kind: (name shown in messages, {extension: MIME type})
    "pdf": ("PDF", {"pdf": "application/pdf"}),
    "docx": ("Word (docx)", {"docx": _OOXML + "wordprocessingml.document"}),
    "xlsx": ("Excel (xlsx)", {"xlsx": _OOXML + "spreadsheetml.sheet"}),
    "pptx": ("PowerPoint (pptx)", {"pptx": _OOXML + "presentationml.presentation"}),
    "ole": (
        "Office 97–2003 (doc, xls, ppt)",
        {
            "doc": "application/msword",
            "xls": "application/vnd.ms-excel",
            "ppt": "application/vnd.ms-powerpoint",
        },
    ),
    "png": ("PNG", {"png": "image/png"}),
    "jpeg": ("JPEG", {"jpg": "image/jpeg", "jpeg": "image/jpeg"}),
    "gif": ("GIF", {"gif": "image/gif"}),
    "webp": ("WebP", {"webp": "image/webp"}),
}
ACCEPTED_EXTENSIONS = tuple(ext for _name, exts in KINDS.values() for ext in exts)
_OOXML_PARTS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))


@dataclass(frozen=True)
class Sniffed:
    """What a file was found to be: its kind (a key of :data:`KINDS`), the MIME type it is
    served with, its size and its cleaned name."""

    kind: str
    mime_type: str
    size: int
    name: str


def max_upload_bytes() -> int:
    return int(getattr(settings, "CTXH_UPLOAD_MAX_MB", 20)) * 1024 * 1024


def _ooxml_kind(stream) -> str | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OOXML_PARTS:
        if any(n.startswith(prefix) for n in names):
            return kind
    return None


def sniff(stream) -> str | None:
    """The kind of the content of the binary, seekable ``stream`` (None: none we accept).
    Reads the first bytes (the ZIP directory for Office files) and rewinds."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    kind = None
    if head.startswith(b"%PDF-"):
        kind = "pdf"
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = "ole"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = "webp"
    elif head.startswith(b"PK\x03\x04"):
        kind = _ooxml_kind(stream)
        stream.seek(0)
    return kind


def _clean_name(name: str) -> str:
    name = os.path.basename((name or "").replace("\\", "/")).strip().replace("\x00", "")
    return name[-150:] or "tep"


def upload_check(file, *, field: str = "file") -> Sniffed:
    """Check an uploaded ``file`` (size, content, extension) without writing anything;
    raise ``ValidationError`` (on ``field``) with a clear message, else say what it is.
    A service that takes a file together with other input calls this first."""
    name = _clean_name(getattr(file, "name", ""))
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
    limit = max_upload_bytes()
    if not size:
        raise ValidationError({field: _("The file “%(name)s” is empty.") % {"name": name}})
    if size > limit:
        raise ValidationError(
            {
                field: _(
                    "The file “%(name)s” is %(size)s MB: larger than the limit of %(limit)s MB."
                )
                % {
                    "name": name,
                    "size": f"{size / 1024 / 1024:.1f}".replace(".", ","),
                    "limit": limit // (1024 * 1024),
                }
            }
        )
    kind = sniff(file)
    accepted = ", ".join(label for label, _exts in KINDS.values())
    if kind is None:
        raise ValidationError(
            {
                field: _("The content of “%(name)s” is not of an accepted type (%(accepted)s).")
                % {"name": name, "accepted": accepted}
            }
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    label, extensions = KINDS[kind]
    if ext not in extensions:
        raise ValidationError(
            {
                field: _(
                    "“%(name)s” is named as a .%(ext)s file but its content is %(kind)s: "
                    "nothing was saved. Choose the right file or give it the right "
                    "extension (%(expected)s)."
                )
                % {
                    "name": name,
                    "ext": ext or "?",
                    "kind": label,
                    "expected": ", ".join(f".{e}" for e in extensions),
                }
            }
        )
    return Sniffed(kind=kind, mime_type=extensions[ext], size=size, name=name)


def _owner_organization(owner):
    """The organisation a record is filed under: its model's first scope path."""
    paths = _paths(type(owner))
    org_id = _follow(owner, paths[0]) if paths else None
    if org_id is None:
        raise ValidationError(_("This record belongs to no organisation: it takes no files."))
    return org_id


def attachment_add(
    *,
    owner,
    file,
    by,
    purpose: str = "",
    action: str = "change",
    field: str = "file",
    checked: Sniffed | None = None,
) -> Attachment:
    """Attach the uploaded ``file`` to the record ``owner`` on behalf of ``by``.

    ``by`` must be allowed ``action`` (default "change") on ``owner`` through its model's
    scope (``PermissionDenied`` otherwise). The file is checked by :func:`upload_check`
    (``ValidationError`` on ``field``; ``checked`` skips a second check of a file the
    caller already checked); it is then stored under ``MEDIA_ROOT/private`` and filed
    under the owner's organisation, and the addition is audited ("attachment.add"). If
    anything fails after the file was written, the file is removed again.
    """
    if not scope_for(by, type(owner), action).covers_object(owner):
        raise PermissionDenied(_("You may not attach files to this record."))
    sniffed = checked or upload_check(file, field=field)
    organization_id = _owner_organization(owner)
    attachment = Attachment(
        content_type=ContentType.objects.get_for_model(type(owner)),
        object_id=owner.pk,
        organization_id=organization_id,
        original_name=sniffed.name,
        mime_type=sniffed.mime_type,
        size=sniffed.size,
        purpose=purpose,
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    stored = None
    try:
        with transaction.atomic():
            file.seek(0)
            ext = sniffed.name.rsplit(".", 1)[-1].lower()
            attachment.file.save(f"tep.{ext}", file, save=False)
            stored = attachment.file.name
            attachment.full_clean()
            attachment.save()
            audit.record(
                actor=by,
                action="attachment.add",
                obj=attachment,
                organization=organization_id,
                new={
                    "owner": f"{owner._meta.label_lower}:{owner.pk}",
                    "name": sniffed.name,
                    "type": sniffed.mime_type,
                    "size": sniffed.size,
                    "purpose": purpose,
                },
            )
    except BaseException:
        if stored:
            attachment.file.storage.delete(stored)
        raise
    return attachment


def attachment_delete(*, attachment: Attachment, by, action: str = "change") -> None:
    """Remove a file from its record (``by`` must be allowed ``action`` on the owner); the
    file on disk goes once the transaction commits."""
    owner = attachment.owner
    if owner is None or not scope_for(by, type(owner), action).covers_object(owner):
        raise PermissionDenied(_("You may not remove this file."))
    with transaction.atomic():
        name = attachment.file.name
        storage = attachment.file.storage
        audit.record(
            actor=by,
            action="attachment.delete",
            obj=attachment,
            organization=attachment.organization_id,
            old={"name": attachment.original_name, "size": attachment.size},
        )
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))


def attachments_of(owner, *, purpose: str | None = None):
    """The files attached to ``owner`` (of one ``purpose`` when given), oldest first."""
    qs = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(type(owner)), object_id=owner.pk
    )
    if purpose is not None:
        qs = qs.filter(purpose=purpose)
    return qs
