"""The practice network: facilities that receive students, and what they accept."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.organizations.models import FACILITY_KINDS, Organization, TargetGroup

from .choices import GenderRequirement


class PracticeSite(models.Model):
    """A facility's place in the practice network (cơ sở thực hành).

    Says which practice types and levels it accepts, the target groups students will meet,
    its requirements (gender, vaccination, language) and whom schools contact. Its field
    instructors are the workforce registry's, offered per period (:class:`PeriodInstructor`).
    """

    facility = models.OneToOneField(
        Organization,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="practice_site",
        limit_choices_to={"kind__in": sorted(FACILITY_KINDS)},
    )
    practice_types = models.JSONField(_("practice types accepted"), default=list, blank=True)
    levels = models.JSONField(_("levels accepted"), default=list, blank=True)
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="practice_sites"
    )
    gender_requirement = models.CharField(
        _("gender"), max_length=10, choices=GenderRequirement.choices, blank=True, default=""
    )
    vaccination_required = models.BooleanField(_("vaccination required"), default=False)
    language_required = models.CharField(
        _("language required"),
        max_length=100,
        blank=True,
        help_text=_("E.g. Khmer, sign language. Leave empty if none."),
    )
    requirements = models.TextField(_("other requirements and notes"), blank=True)
    address = models.CharField(_("practice address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(8), MaxValueValidator(24)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(102), MaxValueValidator(110)],
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    active = models.BooleanField(_("receives students"), default=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "facility"
    scope_ward_field = "facility__ward"

    class Meta:
        verbose_name = _("practice site")
        verbose_name_plural = _("practice sites")

    def __str__(self) -> str:
        return str(self.facility)
