"""People the programme sends to degree programmes (the 797 of the articles)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.organizations.models import Organization
from ctxh.workforce.models import Person

from .catalogue import Funding


class DegreeLevel(models.TextChoices):
    INTERMEDIATE = "intermediate", _("Intermediate (trung cấp)")
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")
    MASTER = "master", _("Master's")
    DOCTORATE = "doctorate", _("Doctorate")


class DegreeTraining(models.Model):
    """A person sent to a degree programme in social work: where, what, when, who pays."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="degree_trainings"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("sending organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="degree_trainees",
    )
    level = models.CharField(_("level"), max_length=15, choices=DegreeLevel.choices)
    institution = models.CharField(_("institution"), max_length=255)
    major = models.CharField(_("major"), max_length=150, default="Công tác xã hội")
    starts_on = models.DateField(_("started"))
    expected_end = models.DateField(_("expected end"), null=True, blank=True)
    actual_end = models.DateField(_("graduated"), null=True, blank=True)
    funding = models.CharField(_("funding"), max_length=12, choices=Funding.choices)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "organization"
    scope_user_field = "person__user"

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("degree training")
        verbose_name_plural = _("degree trainings")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_level_display()}, {self.institution}"

    def clean(self):
        for name in ("expected_end", "actual_end"):
            end = getattr(self, name)
            if end and self.starts_on and end < self.starts_on:
                raise ValidationError({name: _("This date comes before the start.")})
