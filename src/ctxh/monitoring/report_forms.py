"""The form that starts a programme report: the annual report of a year, or a period."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PROGRAMME_FIRST_YEAR, Report
from .selectors.computations import today


def _years() -> list[tuple[int, int]]:
    return [(y, y) for y in range(today().year, PROGRAMME_FIRST_YEAR - 1, -1)]


class ReportForm(forms.Form):
    """``kind`` annual → ``year``; period → ``start`` and ``end`` (dd/mm/yyyy)."""

    kind = forms.ChoiceField(
        label=_("Report"),
        choices=Report.Kind.choices,
        initial=Report.Kind.ANNUAL,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    year = forms.TypedChoiceField(
        label=_("Year"),
        coerce=int,
        choices=_years,
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "placeholder": "dd/mm/yyyy"}),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"class": "form-control", "placeholder": "dd/mm/yyyy"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Report.Kind.ANNUAL and not data.get("year"):
            self.add_error("year", _("Choose the year of the report."))
        if data.get("kind") == Report.Kind.PERIOD:
            for name in ("start", "end"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Give the first and the last day of the period."))
        return data
