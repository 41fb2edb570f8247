"""Residents' headcount of the social-assistance facilities, by target group and period.

A facility reports, "as of" a date (``period_end``), how many people of each target group it
cares for. Nothing is ever overwritten: a correction is a new row that ``supersedes`` the
row it corrects, so the figures known at any time, and every correction, stay readable.
The current figure of (facility, period, group) is the one row nobody supersedes.

Re-exported from :mod:`ctxh.organizations.models`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import ScopedQuerySet

from .organization import FACILITY_KINDS, Organization, TargetGroup


class ResidentCountQuerySet(ScopedQuerySet):
    def current(self) -> ResidentCountQuerySet:
        """Rows no later correction supersedes: the figures in force."""
        return self.filter(superseded_by__isnull=True)


class ResidentCount(models.Model):
    """How many people of one target group a facility cared for as of ``period_end``.

    Recorded by the facility (or the programme office) per period; a correction is a new
    row pointing at the one it corrects through ``supersedes``, never an update.
    """

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
