"""In practice: the learning agreement (kế hoạch học tập) and the logbook (nhật ký thực tập).

Both belong to a placement, so to its school and its facility (the two organisation paths)
and to its student (SELF). A field instructor reaches them through the ``supervise``
action (ORG, their facility), narrowed to the placements they supervise by
:func:`ctxh.practicum.selectors.instructors.supervises`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet, scope_for
from ctxh.core.workflow import Transition

from .allocation import Placement

#: The placement statuses in which the student practises and writes the logbook. Part 2's
#: other branch adds "in practice"; an accepted placement counts as in practice until then.
PRACTICE_STATUSES = ("accepted", "in_practice")

#: At most this many hours of entries on one day.
MAX_HOURS_PER_DAY = Decimal("12")


def _reaches(by, obj, *actions: str) -> bool:
    """Whether ``by``'s scope for any of ``actions`` on ``obj``'s model covers ``obj``.
    For a field instructor ("supervise", ORG) the services narrow this to the placements
    they supervise (:func:`ctxh.practicum.selectors.instructors.supervises`)."""
    return any(scope_for(by, type(obj), action).covers_object(obj) for action in actions)


def _agreement_party(by, obj) -> bool:
    """The student, the field instructor or a coordinator of the school."""
    return _reaches(by, obj, "change", "supervise", "decide")


def _agreement_approver(by, obj) -> bool:
    return _reaches(by, obj, "supervise", "decide")


class LearningAgreement(models.Model):
    """A student's learning agreement for a placement: goals per competency, planned
    activities and a schedule (:class:`AgreementGoal`, per version).

    The student writes it (draft) and proposes it; the field instructor and a coordinator
    of the school each approve (who and when recorded); with both approvals it is agreed.
    A change after agreement starts a new version (draft again, ``version`` + 1): the
    agreed version is archived (:class:`AgreementVersion`, its goals kept under their
    version number) and the new one needs all three again.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed")
        AGREED = "agreed", _("Agreed")

    TRANSITIONS = {
        Status.DRAFT: {
            Status.PROPOSED: Transition("propose", permission="change", label=_("Propose")),
        },
        Status.PROPOSED: {
            Status.DRAFT: Transition(
                "reopen", permission=_agreement_party, label=_("Back to draft")
            ),
            Status.AGREED: Transition("agree", permission=_agreement_approver, label=_("Agree")),
        },
        Status.AGREED: {
            Status.DRAFT: Transition(
                "revise", permission=_agreement_party, label=_("Start a new version")
            ),
        },
    }

    placement = models.OneToOneField(
        Placement,
        verbose_name=_("placement"),
        on_delete=models.CASCADE,
        related_name="learning_agreement",
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    instructor_approved_at = models.DateTimeField(
        _("approved by the field instructor"), null=True, blank=True
    )
    instructor_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("field instructor's approval by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    coordinator_approved_at = models.DateTimeField(
        _("approved by the school"), null=True, blank=True
    )
    coordinator_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("school's approval by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = ("placement__school", "placement__facility")
    scope_user_field = "placement__student__user"

    class Meta:
        verbose_name = _("learning agreement")
        verbose_name_plural = _("learning agreements")

    def __str__(self) -> str:
        return _("Learning agreement, version %(version)d") % {"version": self.version}

    def goals_of(self, version: int | None = None):
        return self.goals.filter(version=version or self.version).order_by("position", "pk")


class AgreementGoal(models.Model):
    """One goal of a learning agreement's version: the competency (as the school's rubric
    names it), the goal, the planned activities and when."""

    agreement = models.ForeignKey(
        LearningAgreement,
        verbose_name=_("learning agreement"),
        on_delete=models.CASCADE,
        related_name="goals",
    )
    version = models.PositiveSmallIntegerField(_("version"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    competency = models.CharField(_("competency"), max_length=200)
    goal = models.TextField(_("goal"), max_length=1000)
    activities = models.TextField(_("planned activities"), max_length=2000)
    timeframe = models.CharField(_("schedule"), max_length=200)

    class Meta:
        ordering = ["agreement", "version", "position", "pk"]
        indexes = [models.Index(fields=["agreement", "version"], name="practicum_goal_version")]
        verbose_name = _("agreement goal")
        verbose_name_plural = _("agreement goals")

    def __str__(self) -> str:
        return self.competency


class AgreementVersion(models.Model):
    """An agreed version of a learning agreement, kept when a new version is started:
    who proposed and approved it and when (its goals stay under its version number)."""

    agreement = models.ForeignKey(
        LearningAgreement,
        verbose_name=_("learning agreement"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(_("version"))
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    instructor_approved_at = models.DateTimeField(null=True, blank=True)
    instructor_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coordinator_approved_at = models.DateTimeField(null=True, blank=True)
    coordinator_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="practicum_agreement_ver")
        ]
        verbose_name = _("agreed version")
        verbose_name_plural = _("agreed versions")

    def __str__(self) -> str:
        return _("Version %(version)d") % {"version": self.number}


class ActivityType(models.TextChoices):
    """What a logbook entry's hours were spent on."""

    CASEWORK = "casework", _("Individual casework")
    GROUP_WORK = "group_work", _("Group work")
    COMMUNITY = "community", _("Community work")
    SUPERVISION = "supervision", _("Supervision")
    ADMINISTRATION = "administration", _("Administration")
    TRAINING = "training", _("Training")


class LogEntry(models.Model):
    """One day's work in a student's logbook: date, hours (half hours), activity type and
    description.

    The student writes it (draft) and submits it; the field instructor approves it or
    returns it with a comment; a returned entry is corrected and submitted again. An
    approved entry is locked: a correction is a new version (``supersedes`` the approved
    one, ``version`` + 1) that must be approved again, and only the latest version of a
    chain counts (``current``). ``client_id`` is made by the page that sent the entry, so
    an entry re-sent after a dropped connection is recognised and not written twice.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned")

    EDITABLE = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)

    TRANSITIONS = {
        Status.DRAFT: {
            Status.SUBMITTED: Transition("submit", permission="add", label=_("Submit")),
        },
        Status.SUBMITTED: {
            Status.APPROVED: Transition("approve", permission="supervise", label=_("Approve")),
            Status.RETURNED: Transition("return", permission="supervise", label=_("Return")),
        },
        Status.RETURNED: {
            Status.SUBMITTED: Transition("resubmit", permission="add", label=_("Submit again")),
        },
        Status.APPROVED: {},
    }

    placement = models.ForeignKey(
        Placement, verbose_name=_("placement"), on_delete=models.CASCADE, related_name="log"
    )
    client_id = models.UUIDField(_("sent as"), default=uuid.uuid4, editable=False)
    date = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_HOURS_PER_DAY)],
    )
    activity = models.CharField(_("activity"), max_length=20, choices=ActivityType.choices)
    description = models.TextField(_("description"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    current = models.BooleanField(_("latest version"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.CharField(_("comment"), max_length=1000, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = ("placement__facility", "placement__school")
    scope_user_field = "placement__student__user"

    class Meta:
        ordering = ["placement", "date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "client_id"], name="practicum_logentry_client_id"
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0), name="practicum_logentry_hours_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["placement", "current", "date"], name="practicum_log_pl_date"),
            models.Index(fields=["status", "current"], name="practicum_log_status"),
        ]
        verbose_name = _("logbook entry")
        verbose_name_plural = _("logbook entries")

    def __str__(self) -> str:
        return _("%(date)s, %(hours)s h") % {
            "date": self.date.strftime("%d/%m/%Y") if self.date else "—",
            "hours": self.hours,
        }

    @property
    def locked(self) -> bool:
        """Approved (or replaced by a correction): never edited again."""
        return self.status == self.Status.APPROVED or not self.current
