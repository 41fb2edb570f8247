"""The forms of the documents' pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SignerSettings


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown in the document's history; the public page only says it is void."),
    )


class SignerSettingsForm(forms.ModelForm):
    class Meta:
        model = SignerSettings
        fields = ["parent_body", "symbol", "place", "signer_title", "signer_name"]
