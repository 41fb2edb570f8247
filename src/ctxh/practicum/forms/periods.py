"""Forms of placement periods, rounds and their students."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.organizations.models import Kind, Organization

from ..models import PlacementPeriod, Round, Student
from ..services.periods import PERIOD_FIELDS
from ..services.rounds import OPEN_FOR_ROUNDS, ROUND_FIELDS
from ..services.students import STUDENT_FIELDS

DATE = {"input_formats": ["%d/%m/%Y", "%Y-%m-%d"]}
DATETIME = {"input_formats": ["%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]}


def _date(label, required=True):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        **DATE,
    )


def _datetime(label):
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(
            format="%d/%m/%Y %H:%M", attrs={"placeholder": "dd/mm/yyyy hh:mm"}
        ),
        **DATETIME,
    )


class _ServiceForm(forms.ModelForm):
    """A model form whose instance the service validates (with what the form lacks)."""

    def _post_clean(self):
        pass


class PeriodForm(_ServiceForm):
    starts_on = _date(_("starts on"))
    ends_on = _date(_("ends on"))
    preference_deadline = _datetime(_("preference deadline"))
    acceptance_deadline = _datetime(_("acceptance deadline"))

    class Meta:
        model = PlacementPeriod
        fields = list(PERIOD_FIELDS)


class RoundForm(_ServiceForm):
    starts_on = _date(_("starts on"))
    ends_on = _date(_("ends on"))

    class Meta:
        model = Round
        fields = ["period", "school", *ROUND_FIELDS]

    def __init__(self, *args, schools=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["period"]
            del self.fields["school"]
            return
        self.fields["period"].queryset = PlacementPeriod.objects.filter(
            status__in=OPEN_FOR_ROUNDS
        ).order_by("-starts_on", "-id")
        self.fields["period"].help_text = _(
            "Only periods being prepared or collecting preferences take new rounds."
        )
        schools = schools if schools is not None else Organization.objects.none()
        self.fields["school"].queryset = schools.filter(kind=Kind.SCHOOL).order_by("sort_key")
        if len(self.fields["school"].queryset) == 1:
            self.fields["school"].initial = self.fields["school"].queryset[0].pk
            self.fields["school"].widget = forms.HiddenInput()


class StudentForm(_ServiceForm):
    date_of_birth = _date(_("date of birth"), required=False)

    class Meta:
        model = Student
        fields = list(STUDENT_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The code finds the student (and names the account): it is not edited here.
            self.fields["student_code"].disabled = True
