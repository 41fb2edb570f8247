"""Forms of the allocation pages: start a run, pick two runs to compare, move a student."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import AllocationRun, Offer
from .selectors.allocation import offer_label


class RunStartForm(forms.Form):
    """A run's recorded inputs: lottery seed, the schools' priority order, second pass.

    The priority is one optional number per school of the period (1 first); schools left
    blank come after the numbered ones, ordered by the lottery like everyone else.
    """

    seed = forms.CharField(
        label=_("lottery seed"),
        max_length=40,
        required=False,
        help_text=_("Leave empty for a random seed; the same seed gives the same result."),
    )
    second_pass = forms.BooleanField(
        label=_("place unplaced students in remaining eligible seats"), required=False
    )
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = list(schools)
        for school in self.schools:
            self.fields[f"priority_{school.pk}"] = forms.IntegerField(
                label=school.name,
                required=False,
                min_value=1,
                max_value=len(self.schools),
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )

    def priority_fields(self):
        return [self[f"priority_{school.pk}"] for school in self.schools]

    def clean(self):
        data = super().clean()
        numbered = [
            (data[f"priority_{s.pk}"], s.pk)
            for s in self.schools
            if data.get(f"priority_{s.pk}") is not None
        ]
        if len({n for n, _pk in numbered}) != len(numbered):
            raise ValidationError(_("Give each school a different priority number."))
        data["school_priority"] = [pk for _n, pk in sorted(numbered)]
        return data


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(label=_("Run A"), queryset=AllocationRun.objects.none())
    b = forms.ModelChoiceField(label=_("Run B"), queryset=AllocationRun.objects.none())

    def __init__(self, *args, runs=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            self.fields[name].queryset = runs
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        if data.get("a") and data.get("a") == data.get("b"):
            raise ValidationError(_("Choose two different runs."))
        return data


class OfferChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Offer) -> str:
        return f"{offer_label(obj)}, {obj.get_level_display()}"


class MoveForm(forms.Form):
    offer = OfferChoiceField(label=_("move to the offer"), queryset=Offer.objects.none())
    reason = forms.CharField(
        label=_("reason for the move"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = (
            Offer.objects.filter(pk__in=[o.pk for o in targets])
            .select_related("facility")
            .order_by("facility__sort_key", "practice_type", "level", "id")
        )
