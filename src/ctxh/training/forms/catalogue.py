"""The course form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Course
from ..services.catalogue import COURSE_FIELDS
from .common import organizations_for


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = list(COURSE_FIELDS)
        widgets = {"competencies": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        action = "change" if self.instance.pk else "add"
        providers = organizations_for(user, Course, action)
        self.fields["provider"].queryset = providers
        from ctxh.core.scoping import scope_for

        if not scope_for(user, Course, action).everything:
            # A trainer keeps only its own organisation's courses: the provider is required.
            self.fields["provider"].required = True
            self.fields["provider"].empty_label = None
        self.fields["provider"].help_text = _("The organisation that teaches the course.")

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in COURSE_FIELDS}
