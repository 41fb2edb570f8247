"""Phrases of the training app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "trainingclass.open": _("Opened a class for nominations"),
    "trainingclass.start": _("Started a class"),
    "trainingclass.close": _("Closed a class"),
    "trainingclass.cancel": _("Cancelled a class"),
    "enrollment.accept": _("Accepted a participant"),
    "enrollment.waitlist": _("Put a participant on the waiting list"),
    "enrollment.decline": _("Declined a participant"),
    "enrollment.withdraw": _("Withdrew a participant"),
    # --- import, statistics ---
    "enrollment.import_update": _("Updated a participant from a history import"),
}

# The page an audit row links to (see workforce/audit_actions.py).
OBJECT_URLS: dict = {}
