"""Joint research, the library of good models and practices, and recognition.

A :class:`ResearchProject` (đề tài) is led by one organisation with partners, at city or
national level; its reports are attachments and its results, once ``published``, show on
the public portal. A :class:`GoodPractice` (mô hình, cách làm hay) says what problem it
answers, where it was applied and with what results, whom to contact (an organisation and
a role, never a private phone), and at which facilities it has been applied since, so its
replication can be followed. An :class:`Award` records an award or commendation given to a
person of the workforce registry or to an organisation, with its decision.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.workflow import Transition
from ctxh.organizations.models import Organization

from .uploads import Attachment


class Level(models.TextChoices):
    CITY = "city", _("City level")
    NATIONAL = "national", _("National level")


class ResearchProject(models.Model):
    """A research project (đề tài nghiên cứu) of the cooperation: level, lead organisation
    and partners, period, status, results and reports; ``published`` puts its public facts
    (title, level, organisations, period, results) on the portal."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    TRANSITIONS = {
        Status.PROPOSED: {
            Status.ONGOING: Transition("start", permission="change", label=_("Start")),
            Status.CANCELLED: Transition("cancel", permission="change", label=_("Cancel")),
        },
        Status.ONGOING: {
            Status.COMPLETED: Transition("complete", permission="change", label=_("Completed")),
            Status.CANCELLED: Transition("cancel", permission="change", label=_("Cancel")),
        },
        Status.COMPLETED: {
            Status.ONGOING: Transition("reopen", permission="change", label=_("Reopen")),
        },
        Status.CANCELLED: {},
    }

    title = models.CharField(_("title"), max_length=300)
    code = models.CharField(_("code"), max_length=40, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    lead = models.ForeignKey(
        Organization,
        verbose_name=_("lead organisation"),
        on_delete=models.PROTECT,
        related_name="research_led",
    )
    partners = models.ManyToManyField(
        Organization, verbose_name=_("partners"), blank=True, related_name="research_joined"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    summary = models.TextField(_("aims and content"), blank=True)
    results = models.TextField(_("results"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    published = models.BooleanField(_("results published"), default=False, db_index=True)
    reports = GenericRelation(Attachment)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_text = models.TextField(editable=False, default="")

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "lead"

    class Meta:
        ordering = ["-starts_on", "title", "id"]
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The project ends before it starts.")})
        if self.published and not (self.results or "").strip():
            raise ValidationError({"published": _("Write the results before publishing them.")})

    def save(self, *args, **kwargs):
        from ctxh.core.searchtext import normalize

        self.search_text = normalize(f"{self.code} {self.title} {self.summary[:300]}")
        super().save(*args, **kwargs)


class GoodPractice(models.Model):
    """A good model or practice (mô hình, cách làm hay) shared between facilities: the
    problem, where it was applied, its results, whom to contact (an organisation and a
    role), its files, and the facilities that have applied it since (``applied_at``)."""

    title = models.CharField(_("title"), max_length=300)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation that shares it"),
        on_delete=models.PROTECT,
        related_name="good_practices",
    )
    area = models.CharField(_("field"), max_length=100, blank=True)
    problem = models.TextField(_("problem it answers"))
    where_applied = models.TextField(_("where it was applied"))
    results = models.TextField(_("results"))
    contact_role = models.CharField(
        _("contact (unit or role)"),
        max_length=150,
        help_text=_("A unit or a role, e.g. “Social-work team”. No private phone numbers."),
    )
    applied_at = models.ManyToManyField(
        Organization,
        verbose_name=_("applied at"),
        blank=True,
        related_name="practices_applied",
    )
    published = models.BooleanField(_("published"), default=False, db_index=True)
    files = GenericRelation(Attachment)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_text = models.TextField(editable=False, default="")

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "organization"

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("good practice")
        verbose_name_plural = _("good practices")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        import re

        if re.search(r"(?:\+?84|0)(?:[\s.\-]?\d){9,10}", self.contact_role or ""):
            raise ValidationError(
                {"contact_role": _("Give a unit or role to contact, not a phone number.")}
            )

    def save(self, *args, **kwargs):
        from ctxh.core.searchtext import normalize

        self.search_text = normalize(f"{self.title} {self.area} {self.problem[:300]}")
        super().save(*args, **kwargs)


class Award(models.Model):
    """An award or commendation (khen thưởng) to a person of the workforce registry or to
    an organisation, with its decision's reference, date and issuer."""

    class Kind(models.TextChoices):
        AWARD = "award", _("Award")
        COMMENDATION = "commendation", _("Commendation")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    person = models.ForeignKey(
        "workforce.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="awards",
        help_text=_("The organisation awarded, or the person's organisation."),
    )
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    issuer = models.CharField(_("issued by"), max_length=200)
    reason = models.TextField(_("for"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "organization"

    class Meta:
        ordering = ["-decision_date", "id"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return self.title

    @property
    def recipient(self) -> str:
        return self.person.full_name if self.person_id else self.organization.name
