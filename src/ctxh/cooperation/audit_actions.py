"""Phrases of the cooperation app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS: dict = {}

# The page an audit row links to (see workforce/audit_actions.py).
OBJECT_URLS: dict = {}

# --- events ---
ACTIONS |= {
    "event.create": _("Planned an event"),
    "event.update": _("Edited an event"),
    "event.organizers": _("Changed the organisers of an event"),
    "event.propose": _("Proposed a Social Work Day"),
    "event.invite": _("Invited people to an event"),
    "event.open": _("Opened registration for an event"),
    "event.hold": _("Marked an event as held"),
    "event.close": _("Closed an event"),
    "event.cancel": _("Cancelled an event"),
    "registration.create": _("Registered for an event"),
    "registration.cancel": _("Cancelled a registration for an event"),
    "registration.move_up": _("Moved a registrant up from an event's waiting list"),
    "registration.attend": _("Recorded an attendance at an event"),
    "registration.unattend": _("Undid an attendance at an event"),
    "presentation.create": _("Added a presentation to an event"),
    "presentation.update": _("Edited a presentation of an event"),
    "event.demo": _("Loaded the demo events"),
}
