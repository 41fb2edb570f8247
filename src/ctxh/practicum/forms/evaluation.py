"""Forms of supervision sessions, rubrics, evaluations and grades. They only parse input;
the services validate (weights, scales, who may) and their messages land on the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Rubric, SupervisionSession
from .periods import _date

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
#: Empty competency rows offered below the existing ones.
EXTRA_ROWS = 3


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on ``form`` (field errors on their fields when the
    form has them, the rest on top)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e.messages)
    else:
        form.add_error(None, error.messages)


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=SupervisionSession.Kind.choices)
    format = forms.ChoiceField(label=_("format"), choices=SupervisionSession.Format.choices)
    date = _date(_("date"))
    duration_minutes = forms.IntegerField(label=_("duration (minutes)"), min_value=5, max_value=600)
    topics = forms.CharField(label=_("topics"), max_length=500)
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea({"rows": 5}))
    group = forms.ModelMultipleChoiceField(
        label=_("other students of the group"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, kinds, group_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [c for c in SupervisionSession.Kind.choices if c[0] in kinds]
        self.fields["group"].queryset = group_choices
        self.fields["group"].label_from_instance = lambda p: p.student.full_name
        for name, field in self.fields.items():
            if name != "group":
                field.widget.attrs.setdefault(
                    "class",
                    "form-select" if isinstance(field, forms.ChoiceField) else "form-control",
                )


class RubricForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=150)
    scale_min = forms.IntegerField(label=_("lowest score"), min_value=0, max_value=100)
    scale_max = forms.IntegerField(label=_("highest score"), min_value=1, max_value=100)
    grade_min = forms.DecimalField(label=_("lowest grade"), max_digits=5, decimal_places=2)
    grade_max = forms.DecimalField(label=_("highest grade"), max_digits=5, decimal_places=2)
    midterm = forms.BooleanField(label=_("mid-term evaluation"), required=False)
    active = forms.BooleanField(label=_("in use"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in ("midterm", "active"):
                field.widget.attrs.setdefault("class", "form-control")

    @staticmethod
    def initial_for(rubric: Rubric | None) -> dict:
        if rubric is None:
            return {"scale_min": 1, "scale_max": 5, "grade_min": 0, "grade_max": 10,
                    "midterm": True, "active": True}  # fmt: skip
        return {
            f: getattr(rubric, f)
            for f in (
                "name",
                "scale_min",
                "scale_max",
                "grade_min",
                "grade_max",
                "midterm",
                "active",
            )
        }


def competency_rows(data, rubric: Rubric | None) -> list[dict]:
    """The competency rows of the rubric editor: posted (``c-N-name``, ``c-N-description``,
    ``c-N-weight``) or the rubric's, plus empty rows."""
    if data is not None:
        rows, i = [], 0
        while f"c-{i}-name" in data:
            rows.append(
                {
                    "name": data.get(f"c-{i}-name", ""),
                    "description": data.get(f"c-{i}-description", ""),
                    "weight": data.get(f"c-{i}-weight", ""),
                }
            )
            i += 1
        return rows
    rows = (
        [
            {"name": c.name, "description": c.description, "weight": c.weight}
            for c in rubric.competencies.order_by("position", "pk")
        ]
        if rubric is not None
        else []
    )
    return rows + [{"name": "", "description": "", "weight": ""} for _ in range(EXTRA_ROWS)]


class GradeForm(forms.Form):
    value = forms.CharField(label=_("grade"), max_length=10, widget=forms.TextInput(TEXT))
