"""Phrases of the accounts app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "user.create": _("Created a user account"),
    "user.set_password": _("Set a user's password"),
    "membership.grant": _("Granted a role in an organisation"),
    "membership.revoke": _("Revoked a role in an organisation"),
}
