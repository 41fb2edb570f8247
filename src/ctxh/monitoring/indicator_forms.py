"""Forms of the indicator pages: a target, a value entered by hand."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.geo.models import Ward

from .models import PROGRAMME_FIRST_YEAR, PROGRAMME_LAST_YEAR, Target
from .selectors.computations import city_wards

_INPUT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


def _ward_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Ward/commune"),
        queryset=Ward.objects.none(),
        required=False,
        empty_label=_("The whole city"),
        widget=forms.Select(attrs=_SELECT),
    )


class TargetForm(forms.Form):
    """A target of an indicator for a year (the city's, or a ward's)."""

    year = forms.IntegerField(
        label=_("Year"),
        widget=forms.NumberInput(
            attrs={**_INPUT, "min": PROGRAMME_FIRST_YEAR, "max": PROGRAMME_LAST_YEAR}
        ),
    )
    ward = _ward_field()
    value = forms.DecimalField(
        label=_("Target"), max_digits=14, decimal_places=2, widget=forms.NumberInput(attrs=_INPUT)
    )
    baseline_value = forms.DecimalField(
        label=_("Baseline"),
        max_digits=14,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs=_INPUT),
    )
    baseline_year = forms.IntegerField(
        label=_("Baseline year"), required=False, widget=forms.NumberInput(attrs=_INPUT)
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=Target.Source.choices, widget=forms.Select(attrs=_SELECT)
    )
    source_note = forms.CharField(
        label=_("Source details"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs=_INPUT),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = city_wards().order_by("sort_key", "code")


class ValueForm(forms.Form):
    """A value of a manual indicator for a year (the city's, or a ward's)."""

    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=_INPUT)
    )
    ward = _ward_field()
    value = forms.DecimalField(
        label=_("Value"), max_digits=14, decimal_places=2, widget=forms.NumberInput(attrs=_INPUT)
    )
    note = forms.CharField(
        label=_("Note"), max_length=300, required=False, widget=forms.TextInput(attrs=_INPUT)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = city_wards().order_by("sort_key", "code")
