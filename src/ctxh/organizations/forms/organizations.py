"""Forms of the organisation pages. They validate; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.geo.models import Ward

from ..models import FacilityProfile, Organization
from ..services import RESTRICTED_FIELDS


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = [
            "code",
            "name",
            "short_name",
            "kind",
            "ownership",
            "parent",
            "ward",
            "former_district",
            "address",
            "phone",
            "email",
            "website",
            "head_name",
            "active",
        ]

    def __init__(self, *args, restricted: bool = False, province_code=None, **kwargs):
        super().__init__(*args, **kwargs)
        if province_code is not None:
            self.fields["ward"].queryset = Ward.objects.filter(province_id=province_code)
        self.fields["parent"].queryset = Organization.objects.filter(active=True).only("id", "name")
        if restricted:
            for name in RESTRICTED_FIELDS:
                self.fields.pop(name, None)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)


class FacilityProfileForm(forms.ModelForm):
    licence_date = forms.DateField(
        label=_("licence date"),
        required=False,
        input_formats=["%d/%m/%Y"],
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"}),
    )

    class Meta:
        model = FacilityProfile
        fields = [
            "capacity",
            "provides_social_work_services",
            "target_groups",
            "services",
            "licence_number",
            "licence_date",
            "licence_issuer",
            "latitude",
            "longitude",
        ]
        widgets = {
            "target_groups": forms.CheckboxSelectMultiple,
            "services": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in {"target_groups", "services"}:
                continue
            css = (
                "form-check-input"
                if isinstance(field.widget, forms.CheckboxInput)
                else ("form-control")
            )
            field.widget.attrs.setdefault("class", css)
