"""What facilities offer in a period, and what students rank."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.workflow import Transition
from ctxh.organizations.models import Organization
from ctxh.workforce.models import FieldInstructor

from .choices import Level, PracticeType
from .periods import PlacementPeriod, Student


class PeriodInstructor(models.Model):
    """A field instructor who takes students in a period, and how many in all.

    The capacity is shared by every offer of the facility the instructor is named on (the
    allocation engine's instructor). It cannot exceed the instructor's own maximum in the
    workforce registry.
    """

    period = models.ForeignKey(
        PlacementPeriod,
        verbose_name=_("period"),
        on_delete=models.PROTECT,
        related_name="instructors",
    )
    facility = models.ForeignKey(
        Organization,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="period_instructors",
    )
    instructor = models.ForeignKey(
        FieldInstructor,
        verbose_name=_("field instructor"),
        on_delete=models.PROTECT,
        related_name="periods",
    )
    capacity = models.PositiveSmallIntegerField(
        _("students in this period"), validators=[MinValueValidator(1), MaxValueValidator(30)]
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "facility"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["period", "instructor"], name="practicum_period_instructor_unique"
            )
        ]
        verbose_name = _("field instructor in a period")
        verbose_name_plural = _("field instructors in a period")

    def __str__(self) -> str:
        return str(self.instructor)

    def clean(self):
        if self.instructor_id and self.capacity and self.capacity > self.instructor.max_students:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(name)s supervises at most %(max)d students at once (workforce registry)."
                    )
                    % {"name": self.instructor, "max": self.instructor.max_students}
                }
            )


class Offer(models.Model):
    """A facility's seats for one practice type and level in a period (the engine's site).

    Draft until published (by the facility or by the programme office for it); only
    published offers can be ranked. ``instructors`` are the period's instructors who take
    its students; :class:`SchoolQuota` rows cap the seats one school may take.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # A withdrawn offer is reopened as a draft when its facility edits it again (the
    # period, facility, practice type and level are unique: it is the same offer).
    TRANSITIONS = {
        Status.DRAFT: {
            Status.PUBLISHED: Transition("publish", permission="publish", label=_("Publish")),
            Status.WITHDRAWN: Transition("withdraw", permission="publish", label=_("Withdraw")),
        },
        Status.PUBLISHED: {
            Status.WITHDRAWN: Transition("withdraw", permission="publish", label=_("Withdraw")),
        },
        Status.WITHDRAWN: {
            Status.DRAFT: Transition("reopen", permission="change", label=_("Reopen as draft")),
        },
    }

    period = models.ForeignKey(
        PlacementPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="offers"
    )
    facility = models.ForeignKey(
        Organization,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="practicum_offers",
    )
    practice_type = models.CharField(
        _("practice type"), max_length=20, choices=PracticeType.choices
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    seats = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    instructors = models.ManyToManyField(
        PeriodInstructor, verbose_name=_("field instructors"), blank=True, related_name="offers"
    )
    notes = models.TextField(_("notes for students"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "facility"
    scope_ward_field = "facility__ward"

    class Meta:
        ordering = ["facility__sort_key", "practice_type", "level", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "facility", "practice_type", "level"],
                name="practicum_offer_unique",
            )
        ]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self) -> str:
        return f"{self.facility} — {self.get_practice_type_display()}, {self.get_level_display()}"


class SchoolQuota(models.Model):
    """At most ``seats`` of an offer's seats go to students of ``school``."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="quotas"
    )
    school = models.ForeignKey(
        Organization, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(0)])

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "offer__facility"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "school"], name="practicum_quota_unique")
        ]
        verbose_name = _("school quota")
        verbose_name_plural = _("school quotas")

    def __str__(self) -> str:
        return f"{self.school}: {self.seats}"


class Preference(models.Model):
    """A student's ranked choice of an offer (1 = first choice)."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="preferences"
    )
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="preferences"
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "student__school"
    scope_user_field = "student__user"

    class Meta:
        ordering = ["student", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["student", "rank"], name="practicum_pref_rank_unique"),
            models.UniqueConstraint(
                fields=["student", "offer"], name="practicum_pref_offer_unique"
            ),
        ]
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return f"{self.student} #{self.rank}: {self.offer}"
