"""The programme's indicators and targets, as data.

An :class:`Indicator` says what is measured and how its value is obtained: by a named
computation over the registries (:data:`ctxh.monitoring.selectors.computations.COMPUTATIONS`),
by aggregating the figures wards and facilities submit (a data set's field), or by hand
(:class:`IndicatorValue`). A :class:`Target` is the value to reach in a year, for the city
(no ward) or one ward, with its source and baseline; every change of a target leaves a
:class:`TargetRevision` (who, when, old and new) beside the audit event.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

#: The programme's years (Decision 112/QĐ-TTg: 2021–2030): a target outside them is refused.
PROGRAMME_FIRST_YEAR = 2021
PROGRAMME_LAST_YEAR = 2030

#: The breakdowns an indicator may offer.
BREAKDOWNS = {
    "ward": _("Ward/commune"),
    "sector": _("Sector"),
    "target_group": _("Target group"),
    "year": _("Year"),
}


class Indicator(models.Model):
    """Something the programme measures: its code, name, unit, definition and source, how
    its value is obtained, the breakdowns it offers, and where it appears on the dashboard.

    ``higher_is_better`` orients the traffic light (a count to reduce sets it false).
    """

    class Unit(models.TextChoices):
        PERCENT = "percent", _("percent")
        COUNT = "count", _("count")
        PEOPLE = "people", _("people")
        ORGANIZATIONS = "organizations", _("organisations")

    class Method(models.TextChoices):
        COMPUTATION = "computation", _("computed from the registries")
        SUBMISSION = "submission", _("aggregated from submitted figures")
        MANUAL = "manual", _("entered by hand")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("sum over the period")
        LATEST = "latest", _("latest period of the year")
        AVERAGE = "average", _("average of the periods")

    class Theme(models.TextChoices):
        NETWORK = "network", _("Service network")
        WORKFORCE = "workforce", _("Workforce")
        TRAINING = "training", _("Training")
        PRACTICUM = "practicum", _("Student practicum")
        BENEFICIARIES = "beneficiaries", _("Beneficiaries")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    definition = models.TextField(_("definition"), blank=True)
    source_document = models.CharField(_("source document"), max_length=255, blank=True)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    method = models.CharField(_("how it is obtained"), max_length=20, choices=Method.choices)
    computation = models.CharField(
        _("computation"),
        max_length=60,
        blank=True,
        help_text=_("The named computation over the registries (method: computed)."),
    )
    dataset_code = models.CharField(_("data set"), max_length=60, blank=True)
    field_code = models.CharField(_("field"), max_length=60, blank=True)
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, blank=True
    )
    breakdowns = models.JSONField(_("breakdowns"), default=list, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    active = models.BooleanField(_("active"), default=True, db_index=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def is_percent(self) -> bool:
        return self.unit == self.Unit.PERCENT

    def clean(self) -> None:
        errors = {}
        unknown = [b for b in self.breakdowns or [] if b not in BREAKDOWNS]
        if unknown:
            errors["breakdowns"] = _("Unknown breakdown: %(names)s.") % {
                "names": ", ".join(map(str, unknown))
            }
        if self.method == self.Method.COMPUTATION:
            from ctxh.monitoring.selectors.computations import COMPUTATIONS

            if self.computation not in COMPUTATIONS:
                errors["computation"] = _("Choose one of the named computations.")
        if self.method == self.Method.SUBMISSION:
            for name in ("dataset_code", "field_code", "aggregation"):
                if not getattr(self, name):
                    errors[name] = _("Required for an indicator aggregated from submissions.")
        if errors:
            raise ValidationError(errors)


def _over_100(indicator, value) -> bool:
    """Whether ``value`` is a share above 100 % (a value not yet a number is left to the
    field's own validation)."""
    if not indicator or indicator.unit != Indicator.Unit.PERCENT:
        return False
    try:
        return Decimal(str(value)) > Decimal(100)
    except (ArithmeticError, ValueError, TypeError):
        return False


def validate_programme_year(year: int) -> None:
    if year is not None and not PROGRAMME_FIRST_YEAR <= year <= PROGRAMME_LAST_YEAR:
        raise ValidationError(
            _("The programme runs from %(first)s to %(last)s; %(year)s is outside it."),
            code="year",
            params={"first": PROGRAMME_FIRST_YEAR, "last": PROGRAMME_LAST_YEAR, "year": year},
        )


class Target(models.Model):
    """The value an indicator should reach in ``year``, for the city (``ward`` empty) or
    one ward, with the document that sets it and the baseline it starts from. Edited by
    the programme office (:func:`ctxh.monitoring.services.indicators.target_save`)."""

    class Source(models.TextChoices):
        DECISION_112 = "qd112", _("Decision 112/QĐ-TTg (22/01/2021)")
        DECISION_3359 = "qd3359", _("Decision 3359/QĐ-UBND (04/10/2022)")
        OTHER = "other", _("Other document")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[validate_programme_year])
    ward = models.ForeignKey(
        "geo.Ward",
        verbose_name=_("ward/commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the city's target."),
    )
    value = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    baseline_value = models.DecimalField(
        _("baseline"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(PROGRAMME_LAST_YEAR)],
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_note = models.CharField(_("source details"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["indicator", "year", "ward"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(ward__isnull=True),
                name="monitoring_target_city_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "ward"],
                condition=models.Q(ward__isnull=False),
                name="monitoring_target_ward_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.year}: {self.value}"

    def clean(self) -> None:
        errors = {}
        if _over_100(self.indicator_id and self.indicator, self.value):
            errors["value"] = _("A share cannot exceed 100 %.")
        if (self.baseline_value is None) != (self.baseline_year is None):
            errors["baseline_year"] = _("Give the baseline's value and its year together.")
        elif (
            isinstance(self.baseline_year, int)
            and isinstance(self.year, int)
            and self.baseline_year > self.year
        ):
            errors["baseline_year"] = _("The baseline year cannot come after the target's year.")
        if errors:
            raise ValidationError(errors)


class TargetRevision(models.Model):
    """One change of a target: what it was and what it became, who changed it and when
    (the indicator page's history). Written by the target service, never edited."""

    target = models.ForeignKey(
        Target, verbose_name=_("target"), on_delete=models.CASCADE, related_name="revisions"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    old = models.JSONField(_("before"), default=dict)
    new = models.JSONField(_("after"), default=dict)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("target change")
        verbose_name_plural = _("target changes")

    def __str__(self) -> str:
        return f"{self.indicator_id} · {self.changed_at:%d/%m/%Y %H:%M}"


class IndicatorValue(models.Model):
    """A value entered by hand: of a manual indicator, or the year-end record of a computed
    one whose registry only knows today (a stored past year wins over a live computation)."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    ward = models.ForeignKey(
        "geo.Ward",
        verbose_name=_("ward/commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the city's value."),
    )
    value = models.DecimalField(
        _("value"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        ordering = ["indicator", "year", "ward"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(ward__isnull=True),
                name="monitoring_value_city_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "ward"],
                condition=models.Q(ward__isnull=False),
                name="monitoring_value_ward_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.year}: {self.value}"

    def clean(self) -> None:
        if _over_100(self.indicator_id and self.indicator, self.value):
            raise ValidationError({"value": _("A share cannot exceed 100 %.")})
