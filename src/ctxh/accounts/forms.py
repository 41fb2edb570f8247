"""Forms of account administration, the profile and the set-password link."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ctxh.core.notifications import NotificationMode
from ctxh.organizations.models import Organization

from .roles import GRANTABLE_ROLES, Role
from .services import grantable_roles


class LoginForm(AuthenticationForm):
    """Django's sign-in form, saying plainly when the account has been deactivated."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "inactive": _("This account has been deactivated. Contact your administrator."),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            username = self.cleaned_data.get("username")
            password = self.cleaned_data.get("password")
            user = get_user_model().objects.filter(username=username).first()
            if user is not None and not user.is_active and user.check_password(password or ""):
                raise ValidationError(self.error_messages["inactive"], code="inactive") from None
            raise


def _organizations_for(user):
    """Organisations where ``user`` may grant at least one role."""
    from ctxh.core.scoping import scope_for

    from .models import Membership

    scope = scope_for(user, Membership, "add")
    qs = Organization.objects.active().only("id", "name", "kind", "ward_id").order_by("name")
    condition = scope.q(Organization)
    return qs if condition is None else qs.filter(condition)


def _roles_offered(user) -> set[str]:
    """The roles ``user`` may grant somewhere (the form's list; each grant is checked)."""
    if getattr(user, "is_superuser", False):
        return set(Role.values)
    offered: set[str] = set()
    for membership in user.active_memberships:
        offered |= GRANTABLE_ROLES.get(membership.role, frozenset())
    return offered


class GrantForm(forms.Form):
    """One role in one organisation."""

    organization = forms.ModelChoiceField(label=_("Organisation"), queryset=Organization.objects)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["organization"].queryset = _organizations_for(by)
        self.fields["organization"].empty_label = _("— choose —")
        offered = _roles_offered(by)
        self.fields["role"].choices = [("", _("— choose —"))] + [
            (value, label) for value, label in Role.choices if value in offered
        ]

    def clean(self):
        data = super().clean()
        organization, role = data.get("organization"), data.get("role")
        if organization is not None and role and role not in grantable_roles(self.by, organization):
            self.add_error(
                "role",
                _("You may not grant the role “%(role)s” in this organisation.")
                % {"role": Role(role).label},
            )
        return data


class AccountCreateForm(GrantForm):
    """A new account with its first role; an invitation goes to its e-mail."""

    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Letters, digits and @ . + - _ only, without spaces.")},
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    field_order = ["username", "full_name", "email", "phone", "organization", "role"]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is already taken."))
        return username


class AccountForm(forms.Form):
    """An account's name, e-mail and phone."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)


class ProfileForm(AccountForm):
    """The signed-in user's own details and language."""

    language = forms.ChoiceField(
        label=_("Language"), choices=[("vi", _("Vietnamese")), ("en", _("English"))]
    )
    notification_mode = forms.ChoiceField(
        label=_("Notification e-mails"),
        choices=NotificationMode.choices,
        required=False,  # left out: kept as it is
        help_text=_(
            "Every notification is always in your notification list; choose how it also "
            "reaches your e-mail."
        ),
    )


class DeactivateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
