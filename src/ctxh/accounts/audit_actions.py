"""Phrases of the accounts app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "user.create": _("Created a user account"),
    "user.set_password": _("Set a user's password"),
    "membership.grant": _("Granted a role in an organisation"),
    "membership.revoke": _("Revoked a role in an organisation"),
    "user.update": _("Edited a user account"),
    "user.import_update": _("Updated a user account from Excel"),
    "user.invite": _("Sent an invitation to set the password"),
    "user.reset_password": _("Reset a user's password"),
    "user.set_password_by_link": _("Set the password through an invitation link"),
    "user.deactivate": _("Deactivated a user account"),
    "user.reactivate": _("Reactivated a user account"),
    "user.unlock": _("Unlocked a user account"),
}
