"""Forms of the workforce pages. They validate; the services write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctxh.core.text import clean_text
from ctxh.core.validators import normalize_phone
from ctxh.organizations.models import Organization

from .models import AccessPurpose, Certificate, FieldInstructor, Person, consent_moment
from .services import PERSON_DATA_FIELDS

DATE_INPUT = {"input_formats": ["%d/%m/%Y", "%Y-%m-%d"]}


def _date_field(label, required=False):
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
        **DATE_INPUT,
    )


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


class PersonForm(forms.ModelForm):
    date_of_birth = _date_field(_("date of birth"))
    # Longer than 12 so that "079 190 001 234" is accepted and normalised, not refused.
    cccd = forms.CharField(
        label=_("citizen ID (CCCD)"),
        max_length=20,
        required=False,
        help_text=_("12 digits; checked against the gender and the year of birth."),
    )
    consent_date = _date_field(_("date of consent (personal data)"))

    class Meta:
        model = Person
        fields = list(PERSON_DATA_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_date"].initial = self.instance.consent_date
        self.fields["consent_date"].help_text = _(
            "The day the person consented to the processing of their personal data "
            "(dd/mm/yyyy); empty: not recorded."
        )
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["cccd"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        _style(self)

    def clean_cccd(self):
        value = (self.cleaned_data.get("cccd") or "").replace(" ", "").strip()
        return value or None

    def clean_phone(self):
        return normalize_phone(self.cleaned_data.get("phone") or "")

    def clean_consent_date(self):
        day = self.cleaned_data.get("consent_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The date of consent cannot be in the future."))
        return day

    def person_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "consent_date"}
        day = self.cleaned_data.get("consent_date")
        if day is not None and day == self.instance.consent_date:
            data["consent_at"] = self.instance.consent_at  # unchanged: keep the moment
        else:
            data["consent_at"] = consent_moment(day)
        return data


class AccessPurposeForm(forms.Form):
    """Why a user of another organisation opens a person's personal data."""

    purpose = forms.ChoiceField(
        label=_("purpose of access"),
        choices=AccessPurpose.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    detail = forms.CharField(
        label=_("details"),
        max_length=200,
        required=False,
        help_text=_("Required when the purpose is “Other”."),
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["detail"].widget.attrs["class"] = "form-control"

    def clean_detail(self):
        return clean_text(self.cleaned_data.get("detail") or "")

    def clean(self):
        data = super().clean()
        if data.get("purpose") == AccessPurpose.OTHER and not data.get("detail"):
            self.add_error("detail", _("Say what the access is for."))
        return data


class EmploymentStartForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organization.objects.none()
    )
    position = forms.CharField(label=_("position"), max_length=150, required=False)
    start_date = _date_field(_("start date"), required=True)

    def __init__(self, *args, organizations=None, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations
        if not required:
            self.fields["organization"].required = False
            self.fields["start_date"].required = False
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("organization") and not data.get("start_date"):
            self.add_error("start_date", _("Enter the date the employment starts."))
        return data


class EmploymentEndForm(forms.Form):
    end_date = _date_field(_("end date"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class CertificateForm(forms.ModelForm):
    issued_on = _date_field(_("date of issue"))

    class Meta:
        model = Certificate
        fields = ["kind", "number", "issuer", "issued_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class FieldInstructorForm(forms.ModelForm):
    since = _date_field(_("field instructor since"))

    class Meta:
        model = FieldInstructor
        fields = ["trained_in_supervision", "since", "max_students", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)
