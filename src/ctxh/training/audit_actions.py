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
    # --- classes, catalogue, nominations ---
    "course.create": _("Added a course to the catalogue"),
    "course.update": _("Edited a course"),
    "trainingclass.create": _("Planned a class"),
    "trainingclass.update": _("Edited a class"),
    "classsession.create": _("Added a session to a class"),
    "classsession.update": _("Edited a class session"),
    "classsession.delete": _("Deleted a class session"),
    "enrollment.nominate": _("Nominated staff to a class"),
    "enrollment.self_register": _("Registered for a class"),
    "enrollment.add_external": _("Added a participant from outside the registry"),
    "enrollment.link": _("Linked a participant to the workforce registry"),
    # --- import, statistics ---
    "enrollment.import_update": _("Updated a participant from a history import"),
}

# The page an audit row links to (see workforce/audit_actions.py).
OBJECT_URLS: dict = {}

# --- attendance, certificates, degree ---
ACTIONS |= {
    "attendance.mark": _("Recorded the attendance of a session"),
    "attendance.checkin": _("Checked in to a session by QR code"),
    "enrollment.scores": _("Entered test scores"),
    "trainingclass.completion": _("Computed who completed a class"),
    "degreetraining.create": _("Recorded a degree training"),
    "degreetraining.update": _("Changed a degree training"),
}
OBJECT_URLS |= {"training.degreetraining": "training:degree_edit"}
