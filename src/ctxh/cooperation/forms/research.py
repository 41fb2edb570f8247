"""The forms of research projects, good practices and awards."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import scope_for
from ctxh.organizations.models import FACILITY_KINDS, Organization
from ctxh.workforce.models import Person

from ..models import Award, GoodPractice, Level, ResearchProject
from .agreements import date_widget, file_field


def _organizations():
    return Organization.objects.filter(active=True).order_by("sort_key", "id")


def _own(user, model, action):
    scope = scope_for(user, model, action)
    qs = _organizations()
    return qs if scope.everything else qs.filter(pk__in=scope.organization_ids)


class _OwnedForm(forms.ModelForm):
    org_field = ""
    m2m_field = ""
    upload_field = ""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        self.fields[self.org_field].queryset = _own(
            user, model, "change" if self.instance.pk else "add"
        )
        self.fields[self.m2m_field].required = False
        org_id = getattr(self.instance, f"{self.org_field}_id", None)
        if (
            not scope_for(user, model, "publish").covers(org_id)
            and not scope_for(user, model, "publish").everything
        ):
            del self.fields["published"]

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        data = {
            k: self.cleaned_data[k]
            for k in self._meta.fields
            if k in self.cleaned_data and k != self.m2m_field
        }
        data[self.m2m_field] = list(self.cleaned_data.get(self.m2m_field) or [])
        upload = self.cleaned_data.get("upload")
        data[self.upload_field] = [upload] if upload else []
        return data


class ResearchForm(_OwnedForm):
    org_field, m2m_field, upload_field = "lead", "partners", "reports"
    upload = file_field(_("add a report"))

    class Meta:
        model = ResearchProject
        fields = [
            "title",
            "code",
            "level",
            "lead",
            "partners",
            "starts_on",
            "ends_on",
            "summary",
            "results",
            "published",
        ]
        widgets = {
            "starts_on": date_widget(),
            "ends_on": date_widget(),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = _organizations()


class PracticeForm(_OwnedForm):
    org_field, m2m_field, upload_field = "organization", "applied_at", "files"
    upload = file_field(_("add a file"))

    class Meta:
        model = GoodPractice
        fields = [
            "title",
            "organization",
            "area",
            "problem",
            "where_applied",
            "results",
            "contact_role",
            "applied_at",
            "published",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 3}),
            "where_applied": forms.Textarea(attrs={"rows": 2}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "applied_at": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applied_at"].queryset = _organizations().filter(kind__in=FACILITY_KINDS)


class AwardForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = [
            "kind",
            "title",
            "person",
            "organization",
            "decision_number",
            "decision_date",
            "issuer",
            "reason",
        ]
        widgets = {"decision_date": date_widget(), "reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations()
        self.fields["organization"].required = False
        self.fields["person"].queryset = Person.objects.visible_to(user).order_by("full_name", "id")
        self.fields["person"].help_text = _("Leave empty when an organisation is awarded.")

    def _post_clean(self):
        pass

    def service_fields(self) -> dict:
        return {
            k: v for k, v in self.cleaned_data.items() if v not in (None, "") or k in ("reason",)
        }


class ResearchFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    level = forms.ChoiceField(
        label=_("level"), required=False, choices=[("", _("All")), *Level.choices]
    )
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All")), *ResearchProject.Status.choices]
    )
    published = forms.ChoiceField(
        label=_("published"),
        required=False,
        choices=[("", _("All")), ("1", _("Published")), ("0", _("Not published"))],
    )


class PracticeFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    applied_at = forms.ModelChoiceField(
        label=_("applied at"), required=False, queryset=Organization.objects.none()
    )
    published = ResearchFilterForm.base_fields["published"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applied_at"].queryset = _organizations().filter(kind__in=FACILITY_KINDS)


class AwardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=[("", _("All")), *Award.Kind.choices]
    )
