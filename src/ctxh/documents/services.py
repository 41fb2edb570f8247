"""Every write on documents: issue (numbered in the register), void, re-issue, signer settings.

Each service is keyword-only, takes the acting user as ``by``, asks the one scope question,
runs in one transaction and writes its audit event. Rendering is :func:`render_pdf`: a
document is rendered from what it stored, so the same document always gives the same PDF.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import may
from ctxh.core.transitions import transition

from . import rendering
from .models import KIND_SYMBOLS, Document, Kind, Register, SignerSettings

CODE_BYTES = 8  # 11 URL-safe characters: 64 random bits


def new_code() -> str:
    """A random, unguessable verification code (11 URL-safe characters)."""
    return secrets.token_urlsafe(CODE_BYTES)


def signer_settings_for(organization) -> SignerSettings:
    """The organisation's signer settings (unsaved defaults when it has none yet)."""
    found = SignerSettings.objects.filter(organization=organization).first()
    return found or SignerSettings(organization=organization)


def _organization_symbol(organization, settings_: SignerSettings) -> str:
    return (settings_.symbol or organization.short_name or organization.code).strip()


def letterhead_for(organization) -> dict[str, str]:
    """What the header and the signature print, copied into a document when issued."""
    settings_ = signer_settings_for(organization)
    return {
        "organization": organization.name,
        "parent_body": settings_.parent_body,
        "place": settings_.place or "TP. Hồ Chí Minh",
        # The letter is in Vietnamese whatever the user's language.
        "signer_title": settings_.signer_title or "THỦ TRƯỞNG CƠ QUAN",
        "signer_name": settings_.signer_name or organization.head_name,
    }


def _take_number(organization, year: int) -> int:
    """The next number of ``organization``'s register for ``year``, taken under a row lock
    (two documents issued at the same moment never share a number)."""
    Register.objects.get_or_create(organization=organization, year=year)
    register = Register.objects.select_for_update().get(organization=organization, year=year)
    number = register.next_number
    Register.objects.filter(pk=register.pk).update(next_number=models.F("next_number") + 1)
    return number


def _check(by, action: str, organization) -> None:
    if not may(by, Document, action, organization):
        raise PermissionDenied(_("You may not issue documents for this organisation."))


def issue_document(
    *,
    kind: str,
    organization,
    title: str,
    holder_name: str,
    template: str,
    inputs: dict[str, Any],
    source: models.Model | None = None,
    by,
    holder_is_person: bool = True,
    replaces: Document | None = None,
) -> Document:
    """Issue a document of ``kind`` in ``organization``'s name: the next number of its
    register for this year, a new verification code, today's date, its letterhead copied
    from the signer settings and ``inputs`` kept to render it again. ``source`` is the
    object it is about (a placement), found again with :func:`documents_for`."""
    _check(by, "issue", organization)
    if kind not in Kind.values:
        raise ValidationError(_("Unknown kind of document."))
    rendering.template_path(template)  # a wrong name is a programming error: fail early
    inputs = rendering.nfc(inputs)
    today = timezone.localdate()
    with transaction.atomic():
        settings_ = signer_settings_for(organization)
        number = _take_number(organization, today.year)
        document = Document(
            kind=kind,
            organization=organization,
            year=today.year,
            number=number,
            symbol=f"{KIND_SYMBOLS[kind]}-{_organization_symbol(organization, settings_)}",
            issued_on=today,
            title=rendering.nfc(title),
            holder_name=rendering.nfc(holder_name),
            holder_is_person=holder_is_person,
            template=template,
            inputs=inputs,
            letterhead=rendering.nfc(letterhead_for(organization)),
            replaces=replaces,
            created_by=by if getattr(by, "pk", None) else None,
        )
        if source is not None:
            document.source_type = ContentType.objects.get_for_model(source)
            document.source_id = source.pk
        document.full_clean(exclude=["code", "search_text"])
        for _attempt in range(5):
            document.code = new_code()
            try:
                with transaction.atomic():
                    document.save()
                break
            except IntegrityError:
                if Document.objects.filter(code=document.code).exists():
                    continue  # a code already taken (2^-64): draw another
                raise
        audit.record(
            actor=by,
            action="document.reissue" if replaces else "document.issue",
            obj=document,
            organization=organization,
            new={
                "reference": document.reference,
                "kind": kind,
                "title": document.title,
                "replaces": replaces.reference if replaces else None,
            },
        )
    return document


def void_document(*, document: Document, reason: str, by) -> Document:
    """Void ``document`` with ``reason``: its verification page says so from now on."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for voiding the document.")})
    with transaction.atomic():
        return transition(
            document,
            to=Document.Status.VOID,
            by=by,
            reason=reason,
            extra_updates={"voided_at": timezone.now(), "void_reason": reason[:500]},
        )


def reissue_document(
    *, document: Document, by, inputs: dict[str, Any] | None = None, reason: str = ""
) -> Document:
    """Void ``document`` and issue its replacement (a new number and code, the same kind,
    holder and source; ``inputs`` replaces the old inputs when given)."""
    _check(by, "issue", document.organization)
    with transaction.atomic():
        void_document(document=document, reason=reason or _("Replaced by a new issue."), by=by)
        return issue_document(
            kind=document.kind,
            organization=document.organization,
            title=document.title,
            holder_name=document.holder_name,
            holder_is_person=document.holder_is_person,
            template=document.template,
            inputs=inputs if inputs is not None else document.inputs,
            source=document.source,
            by=by,
            replaces=document,
        )


def documents_for(source: models.Model, *, kind: str | None = None):
    """The documents issued about ``source`` (newest first), of ``kind`` if given."""
    found = Document.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    )
    return found.filter(kind=kind) if kind else found


def valid_document_for(source: models.Model, *, kind: str) -> Document | None:
    """The valid document of ``kind`` about ``source``, if one was issued."""
    return documents_for(source, kind=kind).filter(status=Document.Status.VALID).first()


def render_pdf(document: Document) -> bytes:
    """The PDF of ``document``, rendered from what it stored (warnings are logged)."""
    pdf, _warnings = rendering.compile_template(
        document.template, rendering.document_data(document)
    )
    return pdf


SIGNER_FIELDS = ("parent_body", "symbol", "place", "signer_title", "signer_name")


def update_signer_settings(*, organization, by, **values: str) -> SignerSettings:
    """Change how ``organization``'s future documents are headed and signed (documents
    already issued keep the letterhead they were issued with)."""
    if not may(by, SignerSettings, "change", organization):
        raise PermissionDenied(_("You may not change this organisation's signer settings."))
    unknown = set(values) - set(SIGNER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown signer settings: {sorted(unknown)}")
    with transaction.atomic():
        settings_, _created = SignerSettings.objects.select_for_update().get_or_create(
            organization=organization
        )
        old = audit.snapshot(settings_, SIGNER_FIELDS)
        for name, value in values.items():
            setattr(settings_, name, rendering.nfc((value or "").strip()))
        settings_.full_clean()
        settings_.save()
        old, new = audit.diff(old, audit.snapshot(settings_, SIGNER_FIELDS))
        if new:
            audit.record(
                actor=by,
                action="signersettings.update",
                obj=settings_,
                organization=organization,
                old=old,
                new=new,
            )
    return settings_
