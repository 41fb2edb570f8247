"""Periodic submissions (báo cáo định kỳ): data sets as data, and the figures organisations
report in them.

A :class:`DataSet` is a form definition: its fields (:class:`DataField`), its period
(monthly, quarterly, annual), which kinds of organisation report it and its deadline. An
organisation reports one :class:`Submission` per data set and period, moved through
``draft → submitted → approved`` (or ``returned`` with a comment, then submitted again) by
:mod:`ctxh.core.transitions`. A correction after approval is a new version: the approved
one stays in force until the correction is approved, then it is kept as ``superseded``.

A period closes for submissions ``grace_days`` after its deadline, or earlier when the
programme office closes it (:class:`ClosedPeriod`); the programme office itself may still
act on a closed period.

Residents of the facilities: the registry's headcount (``organizations.ResidentCount``) is
the one source of truth. A data set marked ``headcount_backed`` has one field per
registry target group (``DataField.target_group``); approving its submission writes the
figures through the headcount service, and its approved figures are read from the
registry (see :mod:`ctxh.monitoring.selectors.submissions`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.workflow import Transition
from ctxh.organizations.models import Kind, Organization, TargetGroup


class PeriodType(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")
    ANNUAL = "annual", _("annual")


def period_bounds(period_type: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The (first, last) day of the period of ``period_type`` that contains ``day``."""
    if period_type == PeriodType.MONTHLY:
        start = day.replace(day=1)
        months = 1
    elif period_type == PeriodType.QUARTERLY:
        start = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        months = 3
    else:
        start = dt.date(day.year, 1, 1)
        months = 12
    month = start.month - 1 + months
    end = dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def period_label(period_type: str, start: dt.date) -> str:
    """``Q3/2026``, ``07/2026`` or ``2026``."""
    if period_type == PeriodType.MONTHLY:
        return f"{start:%m/%Y}"
    if period_type == PeriodType.QUARTERLY:
        return f"Q{(start.month - 1) // 3 + 1}/{start.year}"
    return str(start.year)


class Named(models.Model):
    """A name in Vietnamese and in English; ``name`` is the active language's."""

    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class DataSet(Named):
    """A periodic report form: the figures some kinds of organisation report each period.

    ``org_kinds`` lists the organisation kinds (``Kind`` values) that report it; the
    deadline is ``deadline_days`` after the period's end; the period closes for
    submissions ``grace_days`` after the deadline (or when closed by hand).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    period_type = models.CharField(
        _("period"), max_length=10, choices=PeriodType.choices, default=PeriodType.QUARTERLY
    )
    org_kinds = models.JSONField(_("reporting organisation kinds"), default=list)
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline (days after the period end)"), default=20
    )
    grace_days = models.PositiveSmallIntegerField(_("closes (days after the deadline)"), default=90)
    headcount_backed = models.BooleanField(
        _("figures kept by the registry's headcount"), default=False
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")

    def clean(self):
        unknown = sorted(set(self.org_kinds or []) - set(Kind.values))
        if unknown:
            raise ValidationError({"org_kinds": _("Unknown organisation kind: %s") % unknown})

    def reports(self, organization: Organization) -> bool:
        """Whether ``organization`` is one that reports this data set."""
        return organization.kind in (self.org_kinds or [])

    def reporters(self):
        """The active organisations that report this data set."""
        return Organization.objects.filter(kind__in=self.org_kinds or [], active=True)

    def bounds(self, day: dt.date) -> tuple[dt.date, dt.date]:
        return period_bounds(self.period_type, day)

    def deadline(self, period_end: dt.date) -> dt.date:
        return period_end + dt.timedelta(days=self.deadline_days)

    def closes(self, period_end: dt.date) -> dt.date:
        """The last day a submission for the period ending ``period_end`` is accepted."""
        return self.deadline(period_end) + dt.timedelta(days=self.grace_days)

    def label(self, period_start: dt.date) -> str:
        return period_label(self.period_type, period_start)

    def is_closed(self, period_start: dt.date, *, today: dt.date | None = None) -> bool:
        """A period is closed ``grace_days`` after its deadline, or once the programme
        office closed it (:class:`ClosedPeriod`)."""
        today = today or timezone.localdate()
        if today > self.closes(self.bounds(period_start)[1]):
            return True
        return self.closures.filter(period_start=period_start).exists()


class DataField(Named):
    """One figure of a data set. A field that other fields are ``part_of`` is a total: it
    must equal the sum of its parts (its breakdown). ``group_key`` names the breakdown
    (``target_group``, ``allowance_group``, ``service``); ``target_group`` ties a field to
    the registry's target group list."""

    dataset = models.ForeignKey(
        DataSet, verbose_name=_("data set"), on_delete=models.CASCADE, related_name="fields"
    )
    code = models.SlugField(_("code"), max_length=40)
    group_key = models.CharField(_("breakdown"), max_length=40, blank=True)
    target_group = models.ForeignKey(
        TargetGroup,
        verbose_name=_("target group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("part of the total"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["dataset", "order", "code"]
        verbose_name = _("data field")
        verbose_name_plural = _("data fields")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "code"], name="datafield_unique_code")
        ]


class ClosedPeriod(models.Model):
    """A period the programme office closed for submissions before it closes by itself."""

    dataset = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="closures")
    period_start = models.DateField(_("period start"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)

    class Meta:
        verbose_name = _("closed period")
        verbose_name_plural = _("closed periods")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "period_start"], name="closedperiod_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} · {self.dataset.label(self.period_start)}"


def _needs_comment(submission: Submission) -> None:
    if not (submission.comment or "").strip():
        raise ValidationError(
            {"comment": _("Say what the organisation should check or correct.")},
            code="comment",
        )


class SubmissionQuerySet(ScopedQuerySet):
    def current(self) -> SubmissionQuerySet:
        """Submissions no later version replaced."""
        return self.exclude(status=Submission.Status.SUPERSEDED)


class Submission(models.Model):
    """One organisation's figures of one data set for one period, in one version.

    ``draft → submitted → approved``; ``submitted → returned`` (with a comment) and back
    to ``submitted``. A correction after approval is a new version (``previous``); when it
    is approved the earlier one becomes ``superseded`` and is kept.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")
        SUPERSEDED = "superseded", _("superseded")

    OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.RETURNED)
    EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

    TRANSITIONS = {
        Status.DRAFT: {
            Status.SUBMITTED: Transition("submit", permission="add", label=_("Submit")),
        },
        Status.RETURNED: {
            Status.SUBMITTED: Transition("submit", permission="add", label=_("Submit again")),
        },
        Status.SUBMITTED: {
            Status.APPROVED: Transition("approve", permission="approve", label=_("Approve")),
            Status.RETURNED: Transition(
                "return", permission="approve", label=_("Return"), validate=_needs_comment
            ),
        },
        Status.APPROVED: {
            Status.SUPERSEDED: Transition("supersede", permission="approve"),
        },
    }

    dataset = models.ForeignKey(
        DataSet, verbose_name=_("data set"), on_delete=models.PROTECT, related_name="submissions"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="correction",
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = SubmissionQuerySet.as_manager()
    scope_organization_field = "organization"
    scope_ward_field = "organization__ward"

    class Meta:
        ordering = ["-period_start", "dataset__order", "organization__sort_key", "-version"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [
            # approved_values and completeness: one data set's periods by status.
            models.Index(
                fields=["dataset", "period_start", "status"], name="submission_ds_period_st"
            ),
            models.Index(fields=["organization", "period_start"], name="submission_org_period"),
        ]
        constraints = [
            # One submission in progress and one approved per (data set, organisation,
            # period): a correction is in progress while the approved version stays.
            models.UniqueConstraint(
                fields=["dataset", "organization", "period_start"],
                condition=models.Q(status__in=["draft", "submitted", "returned"]),
                name="submission_one_open",
            ),
            models.UniqueConstraint(
                fields=["dataset", "organization", "period_start"],
                condition=models.Q(status="approved"),
                name="submission_one_approved",
            ),
            models.UniqueConstraint(
                fields=["dataset", "organization", "period_start", "version"],
                name="submission_unique_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} · {self.organization} · {self.period_label}"

    @property
    def period_label(self) -> str:
        return self.dataset.label(self.period_start)

    @property
    def deadline(self) -> dt.date:
        return self.dataset.deadline(self.period_end)

    @property
    def is_late(self) -> bool:
        """Submitted after the deadline (or not yet submitted and the deadline passed)."""
        if self.submitted_at is not None:
            return timezone.localtime(self.submitted_at).date() > self.deadline
        return timezone.localdate() > self.deadline

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES


class SubmissionValue(models.Model):
    """One figure of a submission (a whole number of people, never negative)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="values")
    field = models.ForeignKey(DataField, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveIntegerField(_("value"))

    class Meta:
        verbose_name = _("submitted figure")
        verbose_name_plural = _("submitted figures")
        constraints = [
            models.UniqueConstraint(fields=["submission", "field"], name="submissionvalue_unique")
        ]
        indexes = [
            # approved_values: one field's figures across the approved submissions.
            models.Index(fields=["field", "submission"], name="submissionvalue_field_sub")
        ]

    def __str__(self) -> str:
        return f"{self.field.code}={self.value}"
