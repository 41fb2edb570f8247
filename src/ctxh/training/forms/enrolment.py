"""The forms of nominations and enrolment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.organizations.models import Organization
from ctxh.workforce.choices import Gender

from ..models import Enrollment
from .common import date_field

DECISIONS = [
    (Enrollment.Status.ACCEPTED, _("Accept")),
    (Enrollment.Status.WAITLISTED, _("Waiting list")),
    (Enrollment.Status.DECLINED, _("Decline")),
]


class DecideForm(forms.Form):
    to = forms.ChoiceField(choices=DECISIONS)
    enrollments = forms.TypedMultipleChoiceField(coerce=int, choices=[])

    def __init__(self, *args, enrollment_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrollments"].choices = [(pk, pk) for pk in enrollment_ids]
        self.fields["enrollments"].error_messages["required"] = _(
            "Choose at least one participant."
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExternalParticipantForm(forms.Form):
    """A participant named by hand: found in the registry when certain, else reviewed."""

    full_name = forms.CharField(label=_("full name"), max_length=150)
    date_of_birth = date_field(_("date of birth"))
    cccd = forms.CharField(
        label=_("citizen ID (CCCD)"),
        max_length=20,
        required=False,
        help_text=_("12 digits, if known: it finds the person in the registry for sure."),
    )
    organization = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organization.objects.none()
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            organizations
            if organizations is not None
            else Organization.objects.filter(active=True).order_by("sort_key", "id")
        )

    def clean_cccd(self):
        return "".join(self.cleaned_data["cccd"].split())


class CreatePersonForm(forms.Form):
    gender = forms.ChoiceField(label=_("gender"), choices=Gender.choices)
