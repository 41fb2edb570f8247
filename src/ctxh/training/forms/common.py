"""What the training forms share: dates as dd/mm/yyyy, the organisations a user acts for."""

from __future__ import annotations

from django import forms

from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Organization

DATE_INPUT = {"input_formats": ["%d/%m/%Y", "%Y-%m-%d"]}


def date_field(label, required=True, **kwargs):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        **DATE_INPUT,
        **kwargs,
    )


def date_widget():
    return forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


def time_widget():
    return forms.TimeInput(format="%H:%M", attrs={"placeholder": "hh:mm", "type": "time"})


def organizations_for(user, model, action: str):
    """The active organisations whose ``model`` rows ``user`` may ``action`` (every one
    for the programme office), ordered as a list of names."""
    scope = scope_for(user, model, action)
    qs = Organization.objects.filter(active=True).order_by("sort_key", "id")
    return qs if scope.everything else qs.filter(pk__in=scope.organization_ids)
