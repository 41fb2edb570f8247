"""Forms of the practice network: the browse filters and a site's form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.geo.models import Ward
from ctxh.organizations.models import TargetGroup

from ..models import Level, PracticeSite, PracticeType
from ..services.network import SITE_FIELDS


class SiteFilterForm(forms.Form):
    """What a school narrows the network by (every field optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    practice_type = forms.ChoiceField(
        label=_("Practice type"),
        required=False,
        choices=[("", _("All")), *PracticeType.choices],
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All")), *Level.choices]
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        required=False,
        queryset=TargetGroup.objects.all(),
        empty_label=_("All"),
    )
    ward = forms.ModelChoiceField(
        label=_("Ward/commune"),
        required=False,
        queryset=Ward.objects.none(),
        empty_label=_("All"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the wards where some facility of the network is: a short list.
        self.fields["ward"].queryset = Ward.objects.filter(
            pk__in=PracticeSite.objects.filter(active=True).values("facility__ward")
        ).order_by("name")


class SiteForm(forms.ModelForm):
    """A facility's practice site: what it accepts, its requirements and its contact."""

    practice_types = forms.MultipleChoiceField(
        label=_("practice types accepted"),
        choices=PracticeType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    levels = forms.MultipleChoiceField(
        label=_("levels accepted"),
        choices=Level.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = PracticeSite
        fields = [*SITE_FIELDS, "target_groups"]
        widgets = {
            "target_groups": forms.CheckboxSelectMultiple,
            "requirements": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_groups"].queryset = TargetGroup.objects.all()
        self.fields["latitude"].localize = False
        self.fields["longitude"].localize = False
        self.fields["latitude"].widget.is_localized = False
        self.fields["longitude"].widget.is_localized = False
        self.fields["latitude"].help_text = _("E.g. 10.77690 (empty: not on the map).")

    def _post_clean(self):
        # The service validates the whole site (with the facility): not the form's instance.
        pass
