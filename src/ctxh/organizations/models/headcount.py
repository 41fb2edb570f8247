"""Residents' headcount of the social-assistance facilities, by target group and period.

A facility reports, "as of" a date (``period_end``), how many people of each target group it
cares for. Nothing is ever overwritten: a correction is a new row that ``supersedes`` the
row it corrects, so the figures known at any time, and every correction, stay readable.
The latest submission of (facility, period, group) is the one row nobody supersedes.

A figure that looks wrong — the facility's total above its capacity, or a group more than
50 % above or below the previous period — is recorded only once the facility confirms it
with a reason, and then waits for the programme office's review (``pending_review`` →
``accepted`` or ``returned``, through :mod:`ctxh.core.transitions`). The figure *in force*
of (facility, period, group) is the latest accepted row: an entry awaiting review counts as
provisional beside it, a returned one not at all, until the facility corrects it.

Re-exported from :mod:`ctxh.organizations.models`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet
from ctxh.core.workflow import Transition

from .organization import FACILITY_KINDS, Organization, TargetGroup


class ResidentCountQuerySet(ScopedQuerySet):
    def current(self) -> ResidentCountQuerySet:
        """Rows no later correction supersedes: the latest submission of each figure,
        whatever its review status."""
        return self.filter(superseded_by__isnull=True)

    def in_force(self) -> ResidentCountQuerySet:
        """The accepted figures in force: of each (facility, period, group), the latest
        accepted row (a correction awaiting review or returned does not displace it).
        Rows of one figure form one chain, so "later" is a higher id."""
        later = ResidentCount.objects.filter(
            facility=OuterRef("facility"),
            period_end=OuterRef("period_end"),
            target_group=OuterRef("target_group"),
            status=ResidentCount.Review.ACCEPTED,
            pk__gt=OuterRef("pk"),
        )
        return self.filter(status=ResidentCount.Review.ACCEPTED).filter(~Exists(later))

    def awaiting_review(self) -> ResidentCountQuerySet:
        """Flagged figures the programme office has still to accept or return (the latest
        submission only: one a later correction replaced needs no review)."""
        return self.current().filter(status=ResidentCount.Review.PENDING)

    def returned(self) -> ResidentCountQuerySet:
        """Figures returned to the facility and not corrected since."""
        return self.current().filter(status=ResidentCount.Review.RETURNED)


def _needs_comment(entry: ResidentCount) -> None:
    from django.core.exceptions import ValidationError

    if not (entry.review_comment or "").strip():
        raise ValidationError(
            {"review_comment": _("Say what the facility should check or correct.")},
            code="comment",
        )


def _still_latest(entry: ResidentCount) -> None:
    from django.core.exceptions import ValidationError

    if ResidentCount.objects.filter(supersedes=entry).exists():
        raise ValidationError(
            _("The facility has corrected this figure since; review the new one."),
            code="superseded",
        )


def _return_checks(entry: ResidentCount) -> None:
    _still_latest(entry)
    _needs_comment(entry)


class ResidentCount(models.Model):
    """How many people of one target group a facility cared for as of ``period_end``.

    Recorded by the facility (or the programme office) per period; a correction is a new
    row pointing at the one it corrects through ``supersedes``, never an update. A flagged
    figure carries the checks that fired, the figures they compared and the facility's
    reason, and waits for review (``status``); only the review fields ever change.
    """

    class Review(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        PENDING = "pending_review", _("awaiting review")
        RETURNED = "returned", _("returned for correction")

    class Check(models.TextChoices):
        OVER_CAPACITY = "over_capacity", _("above the facility's capacity")
        LARGE_CHANGE = "large_change", _("more than 50 % above or below the previous period")

    TRANSITIONS = {
        Review.PENDING: {
            Review.ACCEPTED: Transition(
                "accept", permission="review", label=_("Accept"), validate=_still_latest
            ),
            Review.RETURNED: Transition(
                "return", permission="review", label=_("Return"), validate=_return_checks
            ),
        },
    }

    facility = models.ForeignKey(
        Organization,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="resident_counts",
        limit_choices_to={"kind__in": sorted(FACILITY_KINDS)},
    )
    period_end = models.DateField(
        _("as of"), help_text=_("The date the figures describe (end of the reporting period).")
    )
    target_group = models.ForeignKey(
        TargetGroup,
        verbose_name=_("target group"),
        on_delete=models.PROTECT,
        related_name="resident_counts",
    )
    count = models.PositiveIntegerField(_("people"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("corrects"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    status = models.CharField(
        _("review"),
        max_length=20,
        choices=Review.choices,
        default=Review.ACCEPTED,
        db_index=True,
    )
    checks = models.CharField(
        _("checks that fired"),
        max_length=100,
        blank=True,
        help_text=_("Comma-separated codes of the checks that flagged the figure."),
    )
    previous_count = models.PositiveIntegerField(_("previous period"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity when submitted"), null=True, blank=True)
    facility_total = models.PositiveIntegerField(
        _("facility total when submitted"), null=True, blank=True
    )
    confirmation_reason = models.CharField(_("reason given"), max_length=500, blank=True)
    review_comment = models.CharField(_("review comment"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ResidentCountQuerySet.as_manager()
    scope_organization_field = "facility"
    scope_ward_field = "facility__ward"

    class Meta:
        ordering = ["-period_end", "target_group__order", "-recorded_at", "-id"]
        verbose_name = _("residents' headcount")
        verbose_name_plural = _("residents' headcounts")
        indexes = [models.Index(fields=["facility", "period_end"], name="residentcount_fac_period")]
        constraints = [
            # One first report per (facility, period, group); later ones must supersede it,
            # and a row can be superseded only once, so exactly one row is current.
            models.UniqueConstraint(
                fields=["facility", "period_end", "target_group"],
                condition=models.Q(supersedes__isnull=True),
                name="residentcount_one_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility} · {self.period_end:%d/%m/%Y} · {self.target_group}: {self.count}"

    @property
    def check_codes(self) -> list[str]:
        return [c for c in self.checks.split(",") if c]

    def get_checks_display(self) -> list[str]:
        labels = dict(self.Check.choices)
        return [str(labels.get(code, code)) for code in self.check_codes]
