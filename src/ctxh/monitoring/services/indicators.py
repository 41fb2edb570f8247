"""Writes of the indicators, their targets and the values entered by hand.

Only the programme office keeps them (``change`` on the model, whole city). Every change is
validated (``full_clean``: a target for a year outside 2021–2030, a negative value, a share
above 100 % are refused with a clear message and nothing is written), runs in one
transaction and is audited with its old and new values; a target's change also leaves a
:class:`~ctxh.monitoring.models.TargetRevision` for the indicator page's history.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for

from ..models import Indicator, IndicatorValue, Target, TargetRevision

INDICATOR_FIELDS = (
    "code",
    "name",
    "unit",
    "definition",
    "source_document",
    "theme",
    "method",
    "computation",
    "dataset_code",
    "field_code",
    "aggregation",
    "breakdowns",
    "higher_is_better",
    "active",
    "order",
)
TARGET_FIELDS = ("value", "baseline_value", "baseline_year", "source", "source_note")
VALUE_FIELDS = ("value", "note")


def _require(by, model) -> None:
    if not scope_for(by, model, "change").everything:
        raise PermissionDenied


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def indicator_save(*, by, indicator: Indicator | None = None, data: dict) -> Indicator:
    """Create an indicator (``indicator`` None) or change one, from ``data`` (the fields
    of :data:`INDICATOR_FIELDS` present in it)."""
    _require(by, Indicator)
    with transaction.atomic():
        if indicator is None:
            obj = Indicator()
            action = "indicator.create"
        else:
            obj = Indicator.objects.select_for_update().get(pk=indicator.pk)
            action = "indicator.update"
        with audit.tracking(obj, actor=by, action=action, fields=list(INDICATOR_FIELDS)):
            for name in INDICATOR_FIELDS:
                if name in data:
                    setattr(obj, name, data[name])
            obj.full_clean()
            obj.save()
    return obj


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def target_save(
    *,
    by,
    indicator: Indicator,
    year: int,
    value,
    ward=None,
    baseline_value=None,
    baseline_year: int | None = None,
    source: str = Target.Source.DECISION_112,
    source_note: str = "",
) -> Target:
    """Set the target of ``indicator`` for ``year`` (the city's, or ``ward``'s): creates it
    or changes the existing one, keeps the revision and the audit event with the old and
    new values. Unchanged values write nothing."""
    _require(by, Target)
    ward_id = getattr(ward, "pk", ward)
    with transaction.atomic():
        target = (
            Target.objects.select_for_update()
            .order_by("pk")
            .filter(indicator=indicator, year=year, ward_id=ward_id)
            .first()
        )
        created = target is None
        if created:
            target = Target(indicator=indicator, year=year, ward_id=ward_id)
        before = {name: _plain(getattr(target, name)) for name in TARGET_FIELDS}
        target.value = value
        target.baseline_value = baseline_value
        target.baseline_year = baseline_year
        target.source = source
        target.source_note = source_note or ""
        target.full_clean()
        target.value = Decimal(str(target.value)).quantize(Decimal("0.01"))
        if target.baseline_value is not None:
            target.baseline_value = Decimal(str(target.baseline_value)).quantize(Decimal("0.01"))
        after = {name: _plain(getattr(target, name)) for name in TARGET_FIELDS}
        old, new = audit.diff({} if created else before, after)
        if not created and not new:
            return target
        target.updated_by = _user(by)
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError as error:  # another hand set it in between
            raise ValidationError(_("This target was just set by someone else.")) from error
        TargetRevision.objects.create(
            target=target,
            indicator=indicator,
            changed_by=_user(by),
            old={**old, "year": year, "ward": ward_id} if old else {},
            new={**new, "year": year, "ward": ward_id},
        )
        audit.record(
            actor=by,
            action="target.create" if created else "target.update",
            obj=target,
            old=old,
            new=new,
        )
    return target


def indicator_value_save(
    *, by, indicator: Indicator, year: int, value, ward=None, note: str = ""
) -> IndicatorValue:
    """Enter (or correct) the value of ``indicator`` for ``year`` (the city's, or
    ``ward``'s), audited with the old and new values."""
    _require(by, IndicatorValue)
    ward_id = getattr(ward, "pk", ward)
    with transaction.atomic():
        obj = (
            IndicatorValue.objects.select_for_update()
            .order_by("pk")
            .filter(indicator=indicator, year=year, ward_id=ward_id)
            .first()
        )
        created = obj is None
        obj = obj or IndicatorValue(indicator=indicator, year=year, ward_id=ward_id)
        action = "indicatorvalue.create" if created else "indicatorvalue.update"
        with audit.tracking(obj, actor=by, action=action, fields=list(VALUE_FIELDS)):
            obj.value = value
            obj.note = note or ""
            obj.full_clean()
            obj.value = Decimal(str(obj.value)).quantize(Decimal("0.01"))
            obj.entered_by = _user(by)
            obj.save()
    return obj
