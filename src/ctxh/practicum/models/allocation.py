"""City-wide allocation runs, their outcomes, and the placements they propose."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctxh.core.models import Job
from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.workflow import Transition
from ctxh.organizations.models import Organization

from .offers import Offer, PeriodInstructor
from .periods import PlacementPeriod, Student


class AllocationRun(models.Model):
    """One run of :func:`ctxh.matching.allocate` over a whole period (or, for a second
    allocation, over the students and seats left after decisions).

    The inputs that decide the outcome are recorded (school priority, lottery seed) so a run
    can be reproduced and explained. A run is a preview until committed; committing turns
    its outcomes into proposed :class:`Placement` rows. Runs of a period are numbered.
    """

    class Kind(models.TextChoices):
        MAIN = "main", _("City-wide allocation")
        SECOND = "second", _("Second allocation (remaining students and seats)")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        READY = "ready", _("Ready to review")
        FAILED = "failed", _("Failed")
        COMMITTED = "committed", _("Committed")

    period = models.ForeignKey(
        PlacementPeriod,
        verbose_name=_("period"),
        on_delete=models.PROTECT,
        related_name="allocation_runs",
    )
    number = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MAIN)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    seed = models.CharField(_("lottery seed"), max_length=40)
    school_priority = models.JSONField(_("school priority"), default=list, blank=True)
    second_pass = models.BooleanField(
        _("place unplaced students in remaining eligible seats"), default=False
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    job = models.ForeignKey(
        Job, verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "period__organizer"

    class Meta:
        ordering = ["period", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "number"], name="practicum_run_number")
        ]
        verbose_name = _("allocation run")
        verbose_name_plural = _("allocation runs")

    def __str__(self) -> str:
        return _("Run %(number)d") % {"number": self.number}


class AllocationOutcome(models.Model):
    """One student's outcome in a run: the offer and instructor (or none), the rank it had
    in their list, and why each offer ranked above it was not obtained (``explanation``:
    a list of ``{"offer": id, "rank": n, "reason": code, "detail": text}``)."""

    run = models.ForeignKey(
        AllocationRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="outcomes"
    )
    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="+"
    )
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), null=True, blank=True, on_delete=models.CASCADE
    )
    instructor = models.ForeignKey(
        PeriodInstructor,
        verbose_name=_("field instructor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    rank = models.PositiveSmallIntegerField(_("choice obtained"), null=True, blank=True)
    outside_preferences = models.BooleanField(_("outside preferences"), default=False)
    explanation = models.JSONField(_("explanation"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = "run__period__organizer"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "student"], name="practicum_outcome_unique")
        ]
        verbose_name = _("allocation outcome")
        verbose_name_plural = _("allocation outcomes")

    def __str__(self) -> str:
        return f"{self.run}: {self.student_id} → {self.offer_id}"


def _facility_or_instructor(action: str):
    """Who may make a move of the placement's practice: the role table's ``action`` (the
    programme office, the facility's manager, for ``interrupt`` also the school's
    coordinator), or the placement's own field instructor."""

    def check(by, placement) -> bool:
        from ctxh.core.scoping import scope_for

        from ..selectors.instructors import supervises

        if scope_for(by, type(placement), action).covers_object(placement):
            return True
        return scope_for(by, type(placement), "view").covers_object(placement) and supervises(
            by, placement
        )

    return check


class Placement(models.Model):
    """A student placed with a facility's offer (proposed by an allocation, or by hand).

    It belongs to both the school and the facility (two organisation paths). Statuses and
    their moves are the table below, through :mod:`ctxh.core.transitions`: a proposal is
    accepted (with a field instructor) or declined (with a reason) by the facility, or
    withdrawn by the programme office; a declined or withdrawn student is back in the pool.
    Once accepted, the practice starts (in practice), and the facility confirms its
    completion (completed) or anyone responsible interrupts it with a reason (interrupted:
    its history is kept). A student has at most one placement that is proposed, accepted
    or in practice.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        IN_PRACTICE = "in_practice", _("In practice")
        COMPLETED = "completed", _("Completed")
        INTERRUPTED = "interrupted", _("Interrupted")

    #: A student has at most one placement in these statuses (the constraint below).
    ACTIVE = (Status.PROPOSED, Status.ACCEPTED, Status.IN_PRACTICE)
    #: The placements that take (or took) one of the offer's seats and an instructor's place.
    HOSTED = (Status.ACCEPTED, Status.IN_PRACTICE, Status.COMPLETED)
    #: Accepted and not yet finished: the facility's current students.
    CURRENT = (Status.ACCEPTED, Status.IN_PRACTICE)

    TRANSITIONS = {
        Status.PROPOSED: {
            Status.ACCEPTED: Transition("accept", permission="decide", label=_("Accept")),
            Status.DECLINED: Transition("decline", permission="decide", label=_("Decline")),
            Status.WITHDRAWN: Transition("withdraw", permission="move", label=_("Withdraw")),
        },
        Status.ACCEPTED: {
            # The round's first day (the daily job, as SYSTEM), the first logbook entry, or
            # the facility's "start" button.
            Status.IN_PRACTICE: Transition(
                "start", permission=_facility_or_instructor("start"), label=_("Start the practice")
            ),
            Status.WITHDRAWN: Transition("withdraw", permission="move", label=_("Withdraw")),
            Status.INTERRUPTED: Transition(
                "interrupt",
                permission=_facility_or_instructor("interrupt"),
                label=_("Interrupt the placement"),
            ),
        },
        Status.IN_PRACTICE: {
            Status.COMPLETED: Transition(
                "complete",
                permission=_facility_or_instructor("complete"),
                label=_("Confirm completion"),
            ),
            Status.INTERRUPTED: Transition(
                "interrupt",
                permission=_facility_or_instructor("interrupt"),
                label=_("Interrupt the placement"),
            ),
        },
        Status.DECLINED: {},
        Status.WITHDRAWN: {},
        Status.COMPLETED: {},
        Status.INTERRUPTED: {},
    }

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.PROTECT, related_name="placements"
    )
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="placements"
    )
    # Repeated from the student and the offer: the two organisations a placement belongs to,
    # and the period, so scoping and the boards filter without joins.
    period = models.ForeignKey(
        PlacementPeriod, verbose_name=_("period"), on_delete=models.PROTECT, related_name="+"
    )
    school = models.ForeignKey(
        Organization, verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    facility = models.ForeignKey(
        Organization, verbose_name=_("facility"), on_delete=models.PROTECT, related_name="+"
    )
    instructor = models.ForeignKey(
        PeriodInstructor,
        verbose_name=_("field instructor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    run = models.ForeignKey(
        AllocationRun,
        verbose_name=_("allocation run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    rank = models.PositiveSmallIntegerField(_("choice obtained"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposed"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decline_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    reminded_at = models.DateTimeField(_("facility reminded"), null=True, blank=True)
    moved_reason = models.CharField(_("reason for the move"), max_length=500, blank=True)
    started_at = models.DateTimeField(_("practice started"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completion confirmed"), null=True, blank=True)
    interrupted_at = models.DateTimeField(_("interrupted"), null=True, blank=True)
    interrupt_reason = models.CharField(
        _("reason for the interruption"), max_length=500, blank=True
    )

    objects = ScopedQuerySet.as_manager()
    scope_organization_field = ("facility", "school")
    scope_user_field = "student__user"

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["student"],
                condition=models.Q(status__in=["proposed", "accepted", "in_practice"]),
                name="practicum_one_active_placement",
            )
        ]
        indexes = [
            models.Index(fields=["period", "status"], name="practicum_pl_period_status"),
            models.Index(fields=["facility", "status"], name="practicum_pl_facility_status"),
            models.Index(fields=["school", "status"], name="practicum_pl_school_status"),
        ]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self) -> str:
        return f"{self.student.full_name} → {self.facility}"

    @property
    def days_to_decide(self) -> int | None:
        """Whole days from proposal to decision (None while undecided)."""
        if self.decided_at is None:
            return None
        return (self.decided_at - self.proposed_at).days
