"""During and after the practice: supervision sessions, the schools' rubrics, the
evaluations of both sides and the school's grade (steps 3 and 4 of part 2)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.organizations.models import Kind, Organization

from .allocation import Placement
from .offers import PeriodInstructor

#: A placement's records belong to its facility and its school; its student reads them.
PLACEMENT_PATHS = ("placement__facility", "placement__school")


class SupervisionSession(models.Model):
    """A supervision session (buổi kiểm huấn) of a field instructor with a student, or with
    a group of the instructor's students, or the school's liaison visit to the site.

    ``placement`` is the placement it was recorded from; a group session lists the other
    placements that took part in ``group``. The notes are read only by the instructor,
    the students who took part and the school's coordinator (see
    :func:`ctxh.practicum.selectors.supervision.may_read_notes`); the audit trail keeps
    their length, never their text.
    """

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("Supervision by the field instructor")
        LIAISON = "liaison", _("School liaison visit")

    class Format(models.TextChoices):
        INDIVIDUAL = "individual", _("Individual")
        GROUP = "group", _("Group")

    placement = models.ForeignKey(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.CASCADE,
        related_name="supervision_sessions",
    )
    group = models.ManyToManyField(
        Placement,
        verbose_name=_("other students of the group"),
        blank=True,
        related_name="group_supervision_sessions",
    )
    instructor = models.ForeignKey(
        PeriodInstructor,
        verbose_name=_("field instructor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervision_sessions",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    format = models.CharField(
        _("format"), max_length=12, choices=Format.choices, default=Format.INDIVIDUAL
    )
    date = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    topics = models.CharField(_("topics"), max_length=500)
    notes = models.TextField(_("notes"), blank=True, max_length=10000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = PLACEMENT_PATHS
    scope_user_field = "placement__student__user"

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class Rubric(models.Model):
    """A school's evaluation rubric (bảng tiêu chí đánh giá): its competencies with their
    weights (summing to 100 %), the scale each competency is scored on (e.g. 1–5), whether
    the instructor also evaluates at mid-term, and the school's grade scale (e.g. 0–10) on
    which the coordinator records the grade. A school evaluates with its active rubric."""

    school = models.ForeignKey(
        Organization,
        verbose_name=_("school"),
        on_delete=models.PROTECT,
        related_name="practicum_rubrics",
        limit_choices_to={"kind": Kind.SCHOOL},
    )
    name = models.CharField(_("name"), max_length=150)
    scale_min = models.PositiveSmallIntegerField(
        _("lowest score"), default=1, validators=[MaxValueValidator(100)]
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    midterm = models.BooleanField(_("mid-term evaluation"), default=True)
    grade_min = models.DecimalField(
        _("lowest grade"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    grade_max = models.DecimalField(
        _("highest grade"), max_digits=5, decimal_places=2, default=Decimal(10)
    )
    active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "school"

    class Meta:
        ordering = ["school__sort_key", "-active", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school"],
                condition=models.Q(active=True),
                name="practicum_one_active_rubric",
            )
        ]
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if None not in (self.scale_min, self.scale_max) and self.scale_max <= self.scale_min:
            errors["scale_max"] = _("The highest score must be above the lowest.")
        if None not in (self.grade_min, self.grade_max) and self.grade_max <= self.grade_min:
            errors["grade_max"] = _("The highest grade must be above the lowest.")
        if errors:
            raise ValidationError(errors)


class Competency(models.Model):
    """One competency of a rubric (năng lực), with its weight in the total (percent)."""

    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.CASCADE, related_name="competencies"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("competency"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "rubric__school"

    class Meta:
        ordering = ["rubric", "position", "id"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self) -> str:
        return self.name


class Evaluation(models.Model):
    """One side's evaluation of a placement, submitted once.

    The field instructor evaluates the student on the school's rubric at mid-term and at
    the end (``scores``: competency id → score, and the weighted ``score``); the student
    rates the site and the instructor (``rating`` on the rubric's scale). The final
    evaluation and the student's are shown to the other side only once both sides have
    submitted (:func:`ctxh.practicum.selectors.evaluations.visible_evaluations`).
    """

    class Kind(models.TextChoices):
        INSTRUCTOR_MIDTERM = "instructor_midterm", _("Instructor's mid-term evaluation")
        INSTRUCTOR_FINAL = "instructor_final", _("Instructor's final evaluation")
        STUDENT_SITE = "student_site", _("Student's evaluation of the site")
        STUDENT_INSTRUCTOR = "student_instructor", _("Student's evaluation of the instructor")

    INSTRUCTOR_KINDS = (Kind.INSTRUCTOR_MIDTERM, Kind.INSTRUCTOR_FINAL)
    STUDENT_KINDS = (Kind.STUDENT_SITE, Kind.STUDENT_INSTRUCTOR)

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="evaluations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="evaluations"
    )
    scores = models.JSONField(_("scores"), default=dict, blank=True)
    score = models.DecimalField(
        _("weighted score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rating = models.PositiveSmallIntegerField(_("overall rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = PLACEMENT_PATHS
    scope_user_field = "placement__student__user"

    class Meta:
        ordering = ["placement", "submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "kind"], name="practicum_one_evaluation_per_kind"
            )
        ]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.placement_id}"


class Grade(models.Model):
    """The grade the school's coordinator records for a placement, on the scale of the
    school's rubric (e.g. 0–10)."""

    placement = models.OneToOneField(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="grade"
    )
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("rubric"), on_delete=models.PROTECT, related_name="grades"
    )
    value = models.DecimalField(_("grade"), max_digits=5, decimal_places=2)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "placement__school"
    scope_user_field = "placement__student__user"

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")

    def __str__(self) -> str:
        return f"{self.placement_id}: {self.value}"
