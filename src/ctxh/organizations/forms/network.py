"""Forms of the service-network pages. They validate; the services write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Organization, TargetGroup


class HeadcountForm(forms.Form):
    """A facility's residents by target group as of a date: one number per group.

    The groups the facility serves are required (0 when nobody); the other groups are
    optional and shown apart, for the exceptional resident outside the facility's remit.
    """

    period_end = forms.DateField(
        label=_("As of"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "class": "form-control"}
        ),
        help_text=_("The date the figures describe, usually the end of the month or quarter."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    # Shown once a check fired (above capacity, ±50 %): the figures are recorded only when
    # confirmed with a reason, and the programme office reviews them.
    confirm = forms.BooleanField(
        label=_("I confirm these figures are right"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        help_text=_("Why the figures differ (e.g. a new wing opened, residents transferred)."),
    )

    def __init__(self, *args, facility: Organization, initial_counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.facility = facility
        profile = getattr(facility, "facility", None)
        served = set(profile.target_groups.values_list("pk", flat=True)) if profile else set()
        initial_counts = initial_counts or {}
        self.group_fields: list[tuple[TargetGroup, str, bool]] = []
        for group in TargetGroup.objects.order_by("order", "code"):
            name = f"group_{group.code}"
            is_served = group.pk in served or group.pk in initial_counts
            self.fields[name] = forms.IntegerField(
                label=group.name,
                required=group.pk in served,
                min_value=0,
                max_value=100_000,
                initial=initial_counts.get(group.pk),
                widget=forms.NumberInput(attrs={"class": "form-control text-end", "min": 0}),
                error_messages={"required": _("Enter the number of people (0 if none).")},
            )
            self.group_fields.append((group, name, is_served))

    def served_fields(self):
        return [self[name] for _g, name, served in self.group_fields if served]

    def other_fields(self):
        return [self[name] for _g, name, served in self.group_fields if not served]

    def other_open(self) -> bool:
        """Unfold the optional groups when one of them has a value or an error."""
        return any(f.errors or f.value() not in (None, "") for f in self.other_fields())

    def clean_period_end(self):
        value = self.cleaned_data["period_end"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("confirm") and not (data.get("reason") or "").strip():
            self.add_error(
                "reason",
                _(
                    "Say why these figures are right (e.g. a new wing opened, residents "
                    "transferred): the programme office reviews them."
                ),
            )
        return data

    def counts(self) -> dict[TargetGroup, int]:
        """The numbers entered, by target group (blank optional groups left out)."""
        return {
            group: self.cleaned_data[name]
            for group, name, _served in self.group_fields
            if self.cleaned_data.get(name) is not None
        }


class HeadcountReviewForm(forms.Form):
    """The programme office's decision on one flagged figure."""

    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("return", _("Return"))],
        error_messages={"required": _("Choose to accept or return the figure.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
