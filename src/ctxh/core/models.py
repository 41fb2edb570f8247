"""Cross-cutting records: the audit trail and long-running jobs."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .scoping import ScopedQuerySet
from .searchtext import search_text
from .workflow import Transition

_CCCD_RUN = re.compile(r"(?<!\d)(\d{3})\d{7}(\d{2})(?!\d)")


def audit_search_text(event: AuditEvent) -> str:
    """What the audit page's search reads: the actor's names, the object and its id,
    normalised (no accents, lower case), any 12-digit run masked like a CCCD."""
    actor = event.actor if event.actor_id else None
    names = [event.actor_label, event.object_repr, event.object_id]
    if actor is not None:
        names.append(getattr(actor, "full_name", "") or actor.get_full_name())
    text = search_text(*names)
    return _CCCD_RUN.sub(lambda m: f"{m.group(1)}*******{m.group(2)}", text)


class AuditEventQuerySet(ScopedQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.search_text = audit_search_text(obj)
        return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    """One change made to the programme's data, written explicitly by the service that made it.

    Records who (or which command) did what to which object, the organisation it belongs
    to, the values before and after, and where the request came from.
    """

    class Source(models.TextChoices):
        WEB = "web", _("Web")
        COMMAND = "command", _("Command line")
        JOB = "job", _("Background job")
        API = "api", _("API")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, db_index=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    # The organisation's id, stored loosely (no foreign key): core sits below organizations
    # and its schema must not depend on it. An event outlives the organisation it names.
    organization_id = models.BigIntegerField(
        _("organisation"), null=True, blank=True, db_index=True
    )
    old_values = models.JSONField(_("old values"), default=dict, blank=True)
    new_values = models.JSONField(_("new values"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.WEB
    )

    # Filled on save (and bulk_create) from the columns above: see audit_search_text.
    search_text = models.TextField(editable=False, default="", blank=True)

    objects = AuditEventQuerySet.as_manager()
    scope_organization_field = "organization_id"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        self.search_text = audit_search_text(self)
        super().save(*args, **kwargs)


class JobQuerySet(ScopedQuerySet):
    pass


class Job(models.Model):
    """A piece of long work (an import, an export, a report) with its progress.

    The work itself runs in a task worker (see :mod:`ctxh.core.jobs`); the page polls this
    record to draw a progress bar and, at the end, offers the result file or the error.
    Its status moves only through :func:`ctxh.core.transitions.transition`, by the system:
    queued → running → done or failed; a job that never starts (or whose worker dies) fails.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    TRANSITIONS = {
        Status.QUEUED: {
            Status.RUNNING: Transition("start", label=_("Start")),
            Status.FAILED: Transition("fail", label=_("Fail")),
        },
        Status.RUNNING: {
            Status.DONE: Transition("finish", label=_("Finish")),
            Status.FAILED: Transition("fail", label=_("Fail")),
        },
        Status.DONE: {},
        Status.FAILED: {},
    }

    kind = models.CharField(_("kind"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jobs",
    )
    # Stored loosely, like AuditEvent.organization_id (core must not depend on organizations).
    organization_id = models.BigIntegerField(
        _("organisation"), null=True, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Refreshed every few seconds while the job runs: a running job whose heartbeat stops
    # has lost its worker and is failed by the reaper (ctxh.core.jobs.reap_stale_jobs).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=100, blank=True)

    objects = JobQuerySet.as_manager()
    scope_organization_field = "organization_id"
    scope_user_field = "created_by"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "heartbeat_at"], name="core_job_status_heartbeat")
        ]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class Notification(models.Model):
    """A message to one user about something that concerns them (a student accepted, a
    proposal waiting for a decision), shown in their in-app list until read.

    Written by :func:`ctxh.core.notifications.notify`, which also sends it by e-mail;
    the text is stored in the recipient's language at the time it was sent.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notification_unread")]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None


class ReminderLog(models.Model):
    """That a periodic reminder of ``kind`` was sent about one object in one window (e.g.
    the logbook entry 42 unapproved for its second week: ``("practicum.entry_unapproved",
    "42", "2")``), so that each reminder goes out once per window however often
    ``ctxh remind`` runs (:func:`ctxh.core.reminders.claim`)."""

    kind = models.CharField(_("kind"), max_length=60)
    object_id = models.CharField(_("object"), max_length=64)
    window = models.CharField(_("window"), max_length=40)
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "window"], name="core_reminder_once"
            )
        ]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ({self.window})"
