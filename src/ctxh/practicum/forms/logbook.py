"""Forms of the logbook and the learning agreement (they validate the shape; the services
check the rules: hours a day, dates of the placement, versions)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import ActivityType, AgreementGoal, LogEntry


class LogEntryForm(forms.Form):
    """One logbook entry, as the student types it (a phone's date picker sends
    yyyy-mm-dd; dd/mm/yyyy is accepted too)."""

    date = forms.DateField(
        label=_("Date"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "class": "form-control"}),
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.5"),
        max_value=Decimal("12"),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(
            attrs={
                "step": "0.5",
                "min": "0.5",
                "max": "12",
                "inputmode": "decimal",
                "class": "form-control",
            }
        ),
    )
    activity = forms.ChoiceField(
        label=_("Activity"),
        choices=ActivityType.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    description = forms.CharField(
        label=_("What you did"),
        max_length=LogEntry._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    client_id = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours % Decimal("0.5") != 0:
            raise forms.ValidationError(_("Hours are counted in half hours (e.g. 2 or 2,5)."))
        return hours


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the student"),
        max_length=LogEntry._meta.get_field("comment").max_length,
    )


class GoalForm(forms.Form):
    """One goal row of the agreement (a blank row is ignored)."""

    competency = forms.CharField(
        label=_("Competency"),
        required=False,
        max_length=AgreementGoal._meta.get_field("competency").max_length,
    )
    goal = forms.CharField(
        label=_("Goal"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    activities = forms.CharField(
        label=_("Planned activities"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    timeframe = forms.CharField(
        label=_("Schedule"),
        required=False,
        max_length=AgreementGoal._meta.get_field("timeframe").max_length,
        help_text=_("E.g. weeks 1–4"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")

    def clean(self):
        data = super().clean()
        filled = [
            name for name in ("competency", "goal", "activities", "timeframe") if data.get(name)
        ]
        if filled and len(filled) < 4:
            raise forms.ValidationError(
                _("Fill in the competency, the goal, the activities and the schedule.")
            )
        return data


GoalFormSet = forms.formset_factory(GoalForm, extra=2, max_num=20, validate_max=True)
