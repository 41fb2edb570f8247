"""The course catalogue and the classes that run a course."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.workflow import Transition
from ctxh.organizations.models import Organization


class CourseLevel(models.TextChoices):
    """How deep a course goes, up to the professional certificates a licensed school issues."""

    AWARENESS = "awareness", _("Awareness")
    SKILLS = "skills", _("Skills")
    CERTIFICATE_IV = "certificate_iv", _("Social-work certificate, grade IV")
    CERTIFICATE_III = "certificate_iii", _("Social-work certificate, grade III")
    OTHER = "other", _("Other professional training")


class Course(models.Model):
    """A course of the catalogue: what is taught, to whom, for how many hours, by whom."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=255)
    topic = models.CharField(_("topic"), max_length=150)
    target_audience = models.CharField(_("target audience"), max_length=255, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(5000)],
    )
    competencies = models.TextField(_("competencies"), blank=True)
    level = models.CharField(_("level"), max_length=20, choices=CourseLevel.choices)
    provider = models.ForeignKey(
        Organization,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses_provided",
    )
    active = models.BooleanField(_("offered"), default=True)
    search_text = models.TextField(editable=False, default="")

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "provider"

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        from ctxh.core.searchtext import normalize

        self.search_text = normalize(f"{self.code} {self.title} {self.topic}")
        super().save(*args, **kwargs)


class Funding(models.TextChoices):
    STATE = "state", _("State budget")
    PROGRAMME = "programme", _("Programme budget")
    PROJECT = "project", _("Project or NGO")
    SELF = "self", _("Participants or their organisations")
    OTHER = "other", _("Other")


class TrainingClass(models.Model):
    """A class (lớp) that runs a course: organiser, provider, dates, capacity, funding and
    the rule a participant must meet to complete it.

    Its status moves through :mod:`ctxh.core.transitions`: planned → open for nominations
    → running → closed, or cancelled before it closes. ``historic`` marks a class imported
    from the programme's records (2010–2020), which never went through the workflow.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for nominations")
        # A class "runs" and "closes" as a course does, not as a job: their own words.
        RUNNING = "running", pgettext_lazy("training class", "Running")
        CLOSED = "closed", pgettext_lazy("training class", "Closed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PLANNED: {
            Status.OPEN: Transition("open", permission="change", label=_("Open nominations")),
            Status.CANCELLED: Transition("cancel", permission="change", label=_("Cancel")),
        },
        Status.OPEN: {
            Status.RUNNING: Transition("start", permission="change", label=_("Start the class")),
            Status.CANCELLED: Transition("cancel", permission="change", label=_("Cancel")),
        },
        Status.RUNNING: {
            Status.CLOSED: Transition("close", permission="change", label=_("Close the class")),
            Status.CANCELLED: Transition("cancel", permission="change", label=_("Cancel")),
        },
        Status.CLOSED: {},
        Status.CANCELLED: {},
    }

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="classes"
    )
    code = models.CharField(_("class code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="classes_organized",
    )
    provider = models.ForeignKey(
        Organization,
        verbose_name=_("provider"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="classes_provided",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(
        _("capacity"), validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    funding = models.CharField(_("funding"), max_length=12, choices=Funding.choices)
    self_registration = models.BooleanField(_("open to self-registration"), default=False)
    min_attendance = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        default=80,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    min_score = models.DecimalField(
        _("minimum test score"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text=_("On a scale of 10. Leave empty if the class has no test."),
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    historic = models.BooleanField(_("imported from past records"), default=False)
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
    scope_organization_field = ("organizer", "provider")
    scope_ward_field = "organizer__ward"

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["starts_on"], name="training_class_starts")]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The class ends before it starts.")})

    def save(self, *args, **kwargs):
        from ctxh.core.searchtext import normalize

        self.search_text = normalize(f"{self.code} {self.name}")
        super().save(*args, **kwargs)


def _checkin_token() -> str:
    return secrets.token_urlsafe(16)


class ClassSession(models.Model):
    """One session of a class: when, where (or the online link). Its ``checkin_token`` is in
    the QR code participants scan to check in, accepted only during the session."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("class"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    topic = models.CharField(_("topic"), max_length=255, blank=True)
    checkin_token = models.CharField(
        max_length=40, unique=True, default=_checkin_token, editable=False
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = ("training_class__organizer", "training_class__provider")

    class Meta:
        ordering = ["date", "starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.training_class} — {self.date:%d/%m/%Y}"

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The session ends before it starts.")
        klass = self.training_class if self.training_class_id else None
        if klass and self.date and not (klass.starts_on <= self.date <= klass.ends_on):
            errors["date"] = _(
                "The session must fall within the class dates (%(start)s – %(end)s)."
            ) % {
                "start": klass.starts_on.strftime("%d/%m/%Y"),
                "end": klass.ends_on.strftime("%d/%m/%Y"),
            }
        if errors:
            raise ValidationError(errors)
