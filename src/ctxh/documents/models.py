"""Official documents: each organisation's register, the documents it issues and its signer.

A document (văn bản) is numbered in its issuer's register — one sequence per organisation
and year, as Decree 30/2020 asks ("12/GGT-ĐHXH") — and carries a random verification code
printed with a QR code, so that anyone holding the paper can check it at ``/verify/<code>/``.
The inputs it was rendered from are kept, so its PDF can be rendered again identically.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.workflow import Transition
from ctxh.organizations.models import Organization


class Kind(models.TextChoices):
    """The kinds of document the platform issues (add one: docs/documents.md)."""

    REFERRAL = "referral", _("Referral letter")
    REFERRAL_LIST = "referral_list", _("Referral letter with a list of students")
    ACCEPTANCE = "acceptance", _("Acceptance letter")
    TRAINING_CERTIFICATE = "training_certificate", _("Training certificate")
    COMPLETION = "completion", _("Practicum completion certificate")
    EVENT_CERTIFICATE = "event_certificate", _("Event participation certificate")
    REPORT = "report", _("Report")


#: The kind's abbreviation in the document's symbol (ký hiệu), before the issuer's own.
KIND_SYMBOLS: dict[str, str] = {
    Kind.REFERRAL: "GGT",
    Kind.REFERRAL_LIST: "GGT",
    Kind.ACCEPTANCE: "GTN",
    Kind.TRAINING_CERTIFICATE: "GCN",
    Kind.COMPLETION: "GXN",
    Kind.EVENT_CERTIFICATE: "GCN",
    Kind.REPORT: "BC",
}


class Register(models.Model):
    """An organisation's register of documents (sổ đăng ký văn bản) for one year: the
    number the next document takes. Documents are numbered from 1 each year."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="document_registers",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    next_number = models.PositiveIntegerField(_("next number"), default=1)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "organization"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year"], name="documents_one_register_per_year"
            )
        ]
        verbose_name = _("register of documents")
        verbose_name_plural = _("registers of documents")

    def __str__(self) -> str:
        return f"{self.organization} — {self.year}"


class SignerSettings(models.Model):
    """How an organisation's documents are headed and signed: the parent body printed above
    its name, its symbol (ký hiệu) in document numbers, the place in the date line and the
    signer's title and name. Copied into each document when it is issued."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="signer_settings",
    )
    parent_body = models.CharField(
        _("parent body"),
        max_length=200,
        blank=True,
        help_text=_("Printed above the organisation's name, e.g. “SỞ Y TẾ THÀNH PHỐ HỒ CHÍ MINH”."),
    )
    symbol = models.CharField(
        _("symbol"),
        max_length=20,
        blank=True,
        help_text=_("The organisation's abbreviation in document numbers, e.g. “ĐHXH”."),
    )
    place = models.CharField(
        _("place name"),
        max_length=60,
        default="TP. Hồ Chí Minh",
        help_text=_("Printed before the date: “TP. Hồ Chí Minh, ngày … tháng … năm …”."),
    )
    signer_title = models.CharField(
        _("signer's title"), max_length=120, blank=True, help_text=_("e.g. “HIỆU TRƯỞNG”.")
    )
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "organization"

    class Meta:
        verbose_name = _("signer settings")
        verbose_name_plural = _("signer settings")

    def __str__(self) -> str:
        return str(self.organization)


class Document(models.Model):
    """An official document issued by an organisation, numbered in its register.

    ``inputs`` are the data the template was rendered with and ``letterhead`` the issuer's
    signer settings at issue time: rendering again gives the same letter. A document is
    valid until voided (with the reason); a re-issue voids it and links the new one.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        VOID = "void", _("Void")

    TRANSITIONS = {
        Status.VALID: {Status.VOID: Transition("void", permission="void", label=_("Void"))},
        Status.VOID: {},
    }

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    symbol = models.CharField(_("symbol"), max_length=40)
    issued_on = models.DateField(_("issued on"))
    title = models.CharField(_("title"), max_length=255)
    holder_name = models.CharField(_("holder"), max_length=255)
    # A person's name is shortened on the public page; an organisation's is shown in full.
    holder_is_person = models.BooleanField(_("holder is a person"), default=True)
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    template = models.CharField(_("template"), max_length=80)
    inputs = models.JSONField(_("inputs"), default=dict)
    letterhead = models.JSONField(_("letterhead"), default=dict)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.VALID
    )
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=500, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
    )
    source_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    search_text = models.TextField(editable=False, default="")

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "organization"

    class Meta:
        ordering = ["-year", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "number"], name="documents_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id"], name="documents_source"),
        ]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"

    @property
    def reference(self) -> str:
        """The number and symbol as printed: “12/GGT-ĐHXH”."""
        return f"{self.number}/{self.symbol}"

    def save(self, *args, **kwargs):
        from ctxh.core.searchtext import normalize

        self.search_text = normalize(f"{self.reference} {self.holder_name} {self.title}")
        super().save(*args, **kwargs)
