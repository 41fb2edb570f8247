"""Agreements with the partner schools and the yearly action plans that carry them out.

An :class:`Agreement` is signed by the standing agency with one or more partners and names
the areas of work it covers (:class:`AreaOfWork`, the five of the articles). Each year it
has an :class:`ActionPlan` whose :class:`Task` rows say who does what by when and what
product is expected; a task moves planned → in progress → done (or dropped), and is late
when its deadline passed before it was done.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.workflow import Transition
from ctxh.organizations.models import Organization

from .uploads import Attachment


class AreaOfWork(models.TextChoices):
    """The five areas of cooperation the 2023 agreements name."""

    SOCIAL_WORK_DAYS = "social_work_days", _("Social Work Days")
    WORKSHOPS = "workshops", _("Workshops and conferences")
    TRAINING = "training", _("Training and retraining")
    RESEARCH = "research", _("Research and good models")
    PRACTICE_NETWORK = "practice_network", _("Practice network and student referral")


def _validate_areas(value) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one area of work."))
    unknown = [v for v in value if v not in AreaOfWork.values]
    if unknown:
        raise ValidationError(_("Unknown area of work: %(areas)s.") % {"areas": ", ".join(unknown)})


class Agreement(models.Model):
    """A cooperation agreement (thỏa thuận hợp tác) between the standing agency and its
    partners: number, signing date, term, the areas of work, the signed file, its status."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_FORCE = "in_force", _("In force")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    TRANSITIONS = {
        Status.DRAFT: {
            Status.IN_FORCE: Transition(
                "enter_into_force", permission="change", label=_("Signed: in force")
            ),
            Status.TERMINATED: Transition("terminate", permission="change", label=_("Abandon")),
        },
        Status.IN_FORCE: {
            Status.EXPIRED: Transition("expire", permission="change", label=_("Mark expired")),
            Status.TERMINATED: Transition("terminate", permission="change", label=_("Terminate")),
        },
        Status.EXPIRED: {
            Status.IN_FORCE: Transition(
                "extend", permission="change", label=_("Extended: in force again")
            ),
        },
        Status.TERMINATED: {},
    }

    title = models.CharField(_("title"), max_length=255)
    number = models.CharField(_("number"), max_length=60, blank=True)
    agency = models.ForeignKey(
        Organization,
        verbose_name=_("agency side"),
        on_delete=models.PROTECT,
        related_name="agreements_signed",
    )
    partners = models.ManyToManyField(
        Organization, verbose_name=_("partners"), related_name="agreements"
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"), null=True, blank=True)
    areas = models.JSONField(_("areas of work"), default=list, validators=[_validate_areas])
    summary = models.TextField(_("summary"), blank=True)
    signed_file = models.ForeignKey(
        Attachment,
        verbose_name=_("signed file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    search_text = models.TextField(editable=False, default="")

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "agency"

    class Meta:
        ordering = ["-signed_on", "title", "id"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The agreement ends before it comes into force.")})
        if self.signed_on and self.starts_on and self.starts_on < self.signed_on:
            raise ValidationError(
                {"starts_on": _("An agreement comes into force on or after its signing date.")}
            )

    def save(self, *args, **kwargs):
        from ctxh.core.searchtext import normalize

        self.search_text = normalize(f"{self.number} {self.title}")
        super().save(*args, **kwargs)

    def area_labels(self) -> list[str]:
        labels = dict(AreaOfWork.choices)
        return [str(labels.get(a, a)) for a in self.areas or ()]


class ActionPlan(models.Model):
    """One year's action plan (kế hoạch hành động) of an agreement: the tasks of that year."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "agreement__agency"

    class Meta:
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="coop_plan_one_per_year")
        ]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return _("%(year)s plan — %(agreement)s") % {"year": self.year, "agreement": self.agreement}

    def clean(self):
        if self.year and not 2000 <= self.year <= 2100:
            raise ValidationError({"year": _("Give the year with four digits.")})


class TaskQuerySet(ScopedQuerySet):
    def late(self, today: dt.date | None = None):
        """Tasks whose deadline has passed and which are neither done nor dropped."""
        today = today or timezone.localdate()
        return self.filter(deadline__lt=today, status__in=Task.OPEN)


def _require_result(task) -> None:
    if not (task.result or "").strip():
        raise ValidationError({"result": _("Say what was delivered before marking the task done.")})


class Task(models.Model):
    """A task of an action plan: what, in which area, owned by which organisation with
    which partners, by when, the expected product, its status and what delivered it (a
    training class, an event or a research project: ``delivered_by``)."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    TRANSITIONS = {
        Status.PLANNED: {
            Status.IN_PROGRESS: Transition("start", permission="change", label=_("Start")),
            Status.DONE: Transition(
                "complete", permission="change", label=_("Mark done"), validate=_require_result
            ),
            Status.DROPPED: Transition("drop", permission="change", label=_("Drop")),
        },
        Status.IN_PROGRESS: {
            Status.DONE: Transition(
                "complete", permission="change", label=_("Mark done"), validate=_require_result
            ),
            Status.DROPPED: Transition("drop", permission="change", label=_("Drop")),
        },
        Status.DONE: {
            Status.IN_PROGRESS: Transition("reopen", permission="change", label=_("Reopen")),
        },
        Status.DROPPED: {
            Status.PLANNED: Transition("restore", permission="change", label=_("Restore")),
        },
    }
    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    plan = models.ForeignKey(
        ActionPlan, verbose_name=_("action plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    title = models.CharField(_("task"), max_length=255)
    area = models.CharField(_("area of work"), max_length=20, choices=AreaOfWork.choices)
    owner = models.ForeignKey(
        Organization,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        related_name="cooperation_tasks",
    )
    partners = models.ManyToManyField(
        Organization,
        verbose_name=_("with"),
        blank=True,
        related_name="cooperation_tasks_joined",
    )
    deadline = models.DateField(_("deadline"))
    expected_product = models.CharField(_("expected product"), max_length=255)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    result = models.TextField(_("what was delivered"), blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    delivered_by_type = models.ForeignKey(
        ContentType,
        verbose_name=_("delivered by (kind)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivered_by_id = models.PositiveBigIntegerField(_("delivered by"), null=True, blank=True)
    delivered_by = GenericForeignKey("delivered_by_type", "delivered_by_id")
    evidence = GenericRelation(Attachment)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = TaskQuerySet.as_manager()
    scope_organization_field = "owner"

    class Meta:
        ordering = ["deadline", "id"]
        indexes = [models.Index(fields=["status", "deadline"], name="coop_task_status_deadline")]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return self.title

    @property
    def is_late(self) -> bool:
        return self.status in self.OPEN and self.deadline < timezone.localdate()

    def clean(self):
        if self.deadline and self.plan_id and self.deadline.year != self.plan.year:
            raise ValidationError(
                {
                    "deadline": _(
                        "The deadline %(date)s falls outside the plan's year %(year)s: "
                        "a task of the %(year)s plan is due between 01/01/%(year)s and "
                        "31/12/%(year)s."
                    )
                    % {"date": self.deadline.strftime("%d/%m/%Y"), "year": self.plan.year}
                }
            )
