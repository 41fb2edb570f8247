"""Files attached to the cooperation's records: signed agreements, evidence of a task,
research reports, a good practice's material, an event's presentations.

One mechanism for all of them: an :class:`Attachment` points to its owner through a generic
relation and is filed under the owner's organisation. The file lives under
``MEDIA_ROOT/private/`` (:class:`PrivateStorage`), a folder no URL serves: the only way to
read it is the view ``cooperation:file``, which asks the owner's scope first. Writes go
through :func:`ctxh.cooperation.services.uploads.attachment_add`, which checks the type by
the content and the size before anything is written.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.organizations.models import Organization


@deconstructible
class PrivateStorage(FileSystemStorage):
    """``MEDIA_ROOT/private``, read at use (tests move ``MEDIA_ROOT``), with no URL: a
    stored name cannot be turned into an address; files are served by a view only."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, os.path.join(settings.MEDIA_ROOT, "private"))

    @cached_property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private files have no URL: serve them through cooperation:file.")


private_storage = PrivateStorage()


class Attachment(models.Model):
    """A file attached to a record (its ``owner``) of an organisation: who added it and
    when, the name it was uploaded under, its type as read from its content, its size."""

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    owner = GenericForeignKey("content_type", "object_id")
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cooperation_attachments",
    )
    file = models.FileField(
        _("file"), storage=private_storage, upload_to="cooperation/%Y/%m/", max_length=200
    )
    original_name = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    purpose = models.CharField(_("purpose"), max_length=30, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "organization"

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="coop_attach_owner")]
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_display(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB".replace(".", ",")
        return f"{max(1, round(self.size / 1024))} KB"
