"""Who takes part in a class (nominated, accepted, waiting, withdrawn) and who attended."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.workflow import Transition
from ctxh.organizations.models import Organization
from ctxh.workforce.models import Person

from .catalogue import ClassSession, TrainingClass


def may_withdraw(by, enrollment) -> bool:
    """Who may withdraw a participant: their organisation (it nominated them), the class's
    organiser (it accepted them), or the participant themself."""
    from ctxh.core.scoping import scope_for

    if getattr(by, "pk", None) and enrollment.person_id and enrollment.person.user_id == by.pk:
        return True
    return any(
        scope_for(by, Enrollment, action).covers_object(enrollment)
        for action in ("nominate", "decide")
    )


class Enrollment(models.Model):
    """A participant in a class: a person of the workforce registry, or someone outside it
    (``person`` empty, ``full_name``/``date_of_birth``/``cccd`` given) who is then offered
    to their organisation's registry: matched when certain, else put on a review list
    (``match_status``).

    One row is one *participant-time*; distinct people are distinct ``person`` values.
    Status (through :mod:`ctxh.core.transitions`): nominated → accepted, waitlisted or
    declined; waitlisted → accepted (moved up when a place frees) or withdrawn; accepted →
    withdrawn. ``completed`` is decided when the class closes, from its completion rule.
    """

    class Status(models.TextChoices):
        NOMINATED = "nominated", _("Nominated")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("On the waiting list")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Match(models.TextChoices):
        REGISTRY = "registry", _("In the registry")
        REVIEW = "review", _("To review")
        UNMATCHED = "unmatched", _("Not in the registry")

    TRANSITIONS = {
        Status.NOMINATED: {
            Status.ACCEPTED: Transition("accept", permission="decide", label=_("Accept")),
            Status.WAITLISTED: Transition("waitlist", permission="decide", label=_("Waiting list")),
            Status.DECLINED: Transition("decline", permission="decide", label=_("Decline")),
            Status.WITHDRAWN: Transition("withdraw", permission=may_withdraw, label=_("Withdraw")),
        },
        Status.WAITLISTED: {
            Status.ACCEPTED: Transition("accept", permission="decide", label=_("Accept")),
            Status.WITHDRAWN: Transition("withdraw", permission=may_withdraw, label=_("Withdraw")),
        },
        Status.ACCEPTED: {
            Status.WITHDRAWN: Transition("withdraw", permission=may_withdraw, label=_("Withdraw")),
        },
        Status.DECLINED: {},
        Status.WITHDRAWN: {},
    }

    training_class = models.ForeignKey(
        TrainingClass,
        verbose_name=_("class"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    # The participant's organisation when enrolled (the one that nominated them, or theirs).
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="training_enrollments",
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    cccd = models.CharField(_("citizen ID (CCCD)"), max_length=12, blank=True)
    match_status = models.CharField(
        _("registry"), max_length=10, choices=Match.choices, default=Match.REGISTRY
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOMINATED
    )
    self_registered = models.BooleanField(_("registered themself"), default=False)
    waitlist_position = models.PositiveIntegerField(
        _("place on the waiting list"), null=True, blank=True
    )
    test_score = models.DecimalField(
        _("test score"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    attendance_rate = models.DecimalField(
        _("attendance (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    completed = models.BooleanField(_("completed"), null=True, blank=True)
    nominated_at = models.DateTimeField(_("nominated"), auto_now_add=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = (
        "organization",
        "training_class__organizer",
        "training_class__provider",
    )
    scope_user_field = "person__user"

    class Meta:
        ordering = ["training_class", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "person"],
                condition=models.Q(person__isnull=False),
                name="training_one_enrollment_per_person",
            )
        ]
        indexes = [
            models.Index(fields=["person", "training_class"], name="training_enr_person"),
            models.Index(fields=["training_class", "status"], name="training_enr_class_status"),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.participant_name} — {self.training_class}"

    @property
    def participant_name(self) -> str:
        return self.person.full_name if self.person_id else self.full_name


class Attendance(models.Model):
    """Whether a participant attended a session, and how it was recorded."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        ABSENT = "absent", _("Absent")

    class Method(models.TextChoices):
        ORGANIZER = "organizer", _("Ticked by the organiser")
        QR = "qr", _("Checked in by QR code")
        IMPORT = "import", _("Imported")

    session = models.ForeignKey(
        ClassSession, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    method = models.CharField(_("recorded by"), max_length=10, choices=Method.choices)
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = (
        "enrollment__organization",
        "session__training_class__organizer",
        "session__training_class__provider",
    )
    scope_user_field = "enrollment__person__user"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="training_attendance_once"
            )
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.enrollment_id} @ {self.session_id}: {self.status}"
