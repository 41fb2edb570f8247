"""Placement periods (kỳ thực tập), the schools' rounds in them (đợt) and their students."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.workflow import Transition
from ctxh.organizations.models import Kind, Organization

from .choices import Gender, Level, PracticeType


class PlacementPeriod(models.Model):
    """A city-wide placement period opened by the programme office (kỳ thực tập).

    Every school's round of the period is allocated together. Students rank offers until
    ``preference_deadline``; facilities decide on proposals until ``acceptance_deadline``.
    Its status moves through :mod:`ctxh.core.transitions`: preparing → preferences →
    allocation (preferences frozen) → acceptance (an allocation committed) → closed.
    """

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        PREFERENCES = "preferences", _("Preferences open")
        ALLOCATION = "allocation", _("Allocation")
        ACCEPTANCE = "acceptance", _("Acceptance")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.PREPARING: {
            Status.PREFERENCES: Transition(
                "open", permission="manage", label=_("Open preferences")
            ),
        },
        Status.PREFERENCES: {
            Status.ALLOCATION: Transition(
                "freeze", permission="manage", label=_("Freeze preferences")
            ),
        },
        Status.ALLOCATION: {
            Status.PREFERENCES: Transition(
                "reopen", permission="manage", label=_("Reopen preferences")
            ),
            Status.ACCEPTANCE: Transition("commit", permission="manage", label=_("Commit")),
        },
        Status.ACCEPTANCE: {
            Status.CLOSED: Transition("close", permission="manage", label=_("Close the period")),
        },
        Status.CLOSED: {},
    }

    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organised by"),
        on_delete=models.PROTECT,
        related_name="placement_periods",
    )
    name = models.CharField(_("name"), max_length=150)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    preference_deadline = models.DateTimeField(_("preference deadline"))
    acceptance_deadline = models.DateTimeField(_("acceptance deadline"))
    max_choices = models.PositiveSmallIntegerField(
        _("number of choices"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("remind facilities after (days)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PREPARING
    )
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
    scope_organization_field = "organizer"

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("placement period")
        verbose_name_plural = _("placement periods")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The period ends before it starts.")
        if (
            self.preference_deadline
            and self.acceptance_deadline
            and self.acceptance_deadline < self.preference_deadline
        ):
            errors["acceptance_deadline"] = _(
                "The acceptance deadline comes before the preference deadline."
            )
        if errors:
            raise ValidationError(errors)


class Round(models.Model):
    """A school's round in a period (đợt thực tập): one practice type and level, its dates
    (inside the period's) and the hours each student must complete."""

    period = models.ForeignKey(
        PlacementPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="rounds"
    )
    school = models.ForeignKey(
        Organization,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="practicum_rounds",
        limit_choices_to={"kind": Kind.SCHOOL},
    )
    name = models.CharField(_("name"), max_length=150)
    practice_type = models.CharField(
        _("practice type"), max_length=20, choices=PracticeType.choices
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    required_hours = models.PositiveSmallIntegerField(
        _("required hours"), validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "school"

    class Meta:
        ordering = ["period", "school__sort_key", "name"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The round ends before it starts.")
        period = self.period if self.period_id else None
        if (
            period
            and self.starts_on
            and self.ends_on
            and (self.starts_on < period.starts_on or self.ends_on > period.ends_on)
        ):
            errors["starts_on"] = _(
                "The round's dates must fall inside the period (%(start)s – %(end)s)."
            ) % {
                "start": period.starts_on.strftime("%d/%m/%Y"),
                "end": period.ends_on.strftime("%d/%m/%Y"),
            }
        if self.school_id and self.school.kind != Kind.SCHOOL:
            errors["school"] = _("Only a school opens a round.")
        if errors:
            raise ValidationError(errors)


class Student(models.Model):
    """A student in a round, with the student account they sign in with.

    A student is in at most one round of a period (``period`` repeats the round's, for the
    constraint). Re-importing a school's list updates the row found by its student code.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="students"
    )
    period = models.ForeignKey(
        PlacementPeriod,
        verbose_name=_("period"),
        on_delete=models.PROTECT,
        related_name="students",
        editable=False,
    )
    school = models.ForeignKey(
        Organization,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="practicum_students",
        editable=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="practicum_students",
    )
    student_code = models.CharField(_("student code"), max_length=30)
    full_name = models.CharField(_("full name"), max_length=150)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    vaccinated = models.BooleanField(_("vaccinated"), default=False)
    languages = models.CharField(
        _("other languages"),
        max_length=150,
        blank=True,
        help_text=_("Languages besides Vietnamese, separated by commas."),
    )
    notes = models.TextField(_("notes"), blank=True)
    sort_key = models.CharField(editable=False, max_length=255, default="", blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "school"
    scope_user_field = "user"

    class Meta:
        ordering = ["sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "user"], name="practicum_student_one_round_per_period"
            ),
            models.UniqueConstraint(
                fields=["period", "school", "student_code"], name="practicum_student_code_unique"
            ),
        ]
        verbose_name = _("student")
        verbose_name_plural = _("students")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.student_code})"

    def save(self, *args, **kwargs):
        from ctxh.core.collation import name_sort_key
        from ctxh.core.searchtext import normalize

        if self.round_id:
            self.period_id = self.round.period_id
            self.school_id = self.round.school_id
        self.sort_key = name_sort_key(self.full_name)[:255]
        self.search_text = normalize(f"{self.full_name} {self.student_code} {self.email}")
        super().save(*args, **kwargs)
