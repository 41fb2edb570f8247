"""The forms of the class pages: the class, its sessions, a move of its workflow, and the
class list's filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.core.text import clean_text

from ..models import ClassSession, Course, TrainingClass
from ..services.classes import CLASS_FIELDS, SESSION_FIELDS
from .common import DATE_INPUT, date_widget, organizations_for, time_widget


class TrainingClassForm(forms.ModelForm):
    class Meta:
        model = TrainingClass
        fields = list(CLASS_FIELDS)
        widgets = {"starts_on": date_widget(), "ends_on": date_widget()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("starts_on", "ends_on"):
            self.fields[name].input_formats = DATE_INPUT["input_formats"]
        action = "change" if self.instance.pk else "add"
        organizers = organizations_for(user, TrainingClass, action)
        self.fields["organizer"].queryset = organizers
        self.fields["provider"].queryset = organizations_for(user, TrainingClass, "view")
        self.fields["course"].queryset = Course.objects.filter(active=True) | (
            Course.objects.filter(pk=self.instance.course_id)
            if self.instance.pk
            else Course.objects.none()
        )
        if not self.instance.pk and organizers.count() == 1:
            self.fields["organizer"].initial = organizers.first()
        # The model's validators stay, but the service gives the clearer message first:
        # let the value through to it (min_attendance 0–100, min_score 0–10).
        self.fields["min_attendance"].validators = []
        self.fields["min_attendance"].widget.attrs.pop("max", None)
        self.fields["min_score"].validators = []
        self.fields["min_score"].widget.attrs.pop("max", None)
        self.fields["min_score"].widget.attrs.pop("min", None)
        self.fields["capacity"].validators = []
        self.fields["capacity"].widget.attrs.pop("min", None)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["name"] = clean_text(data["name"])
        return {name: data[name] for name in CLASS_FIELDS if name in data}

    def _post_clean(self):
        # The service runs full_clean (with its own clearer messages); only build the
        # instance here.
        from django.forms.models import construct_instance

        self.instance = construct_instance(self, self.instance, self._meta.fields)


class SessionForm(forms.ModelForm):
    class Meta:
        model = ClassSession
        fields = list(SESSION_FIELDS)
        widgets = {
            "date": date_widget(),
            "starts_at": time_widget(),
            "ends_at": time_widget(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].input_formats = DATE_INPUT["input_formats"]

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in SESSION_FIELDS}

    def _post_clean(self):
        from django.forms.models import construct_instance

        self.instance = construct_instance(self, self.instance, self._meta.fields)


class MoveForm(forms.Form):
    """A move of the class's workflow, with an optional reason (required to cancel)."""

    to = forms.ChoiceField(choices=TrainingClass.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if (
            data.get("to") == TrainingClass.Status.CANCELLED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error(
                "reason", _("Say why the class is cancelled: its participants are told.")
            )
        return data
