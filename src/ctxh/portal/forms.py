"""The portal's forms: a visitor's registration for an event, the directory's filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.cooperation.models import Event

_select = forms.Select(attrs={"class": "form-select"})


class VisitorRegistrationForm(forms.Form):
    """A visitor registers for an open public event (no account)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
        help_text=_("Your confirmation and registration code are sent there."),
    )
    organization_name = forms.CharField(
        label=_("Organisation (optional)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "organization"}),
    )


class EventFilterForm(forms.Form):
    """The calendar's view: the upcoming events, or one month's; and a kind."""

    month = forms.CharField(required=False, max_length=7)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Event.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )


class FacilityFilterForm(forms.Form):
    """The directory's search and filters (choices from the facilities listed)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )
    ward = forms.ChoiceField(label=_("Ward/commune"), required=False, widget=_select)
    group = forms.ChoiceField(label=_("Target group"), required=False, widget=_select)
    service = forms.ChoiceField(label=_("Service"), required=False, widget=_select)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", _("All wards")), *choices.wards]
        self.fields["group"].choices = [("", _("All target groups")), *choices.groups]
        self.fields["service"].choices = [("", _("All services")), *choices.services]
