"""Phrases of the workforce app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "person.create": _("Added a person"),
    "person.update": _("Edited a person's details"),
    "person.bulk_load": _("Loaded people in bulk"),
    "person.import_update": _("Updated a person's details from Excel"),
    "employment.start": _("Recorded the start of an employment"),
    "employment.end": _("Recorded the end of an employment"),
    "employment.import_create": _("Added an employment from Excel"),
    "employment.import_update": _("Updated an employment from Excel"),
    "certificate.add": _("Added a certificate"),
    "field_instructor.set": _("Changed a field instructor's status"),
    "person.export": _("Exported people's data"),
    "workforce_target.set": _("Set a workforce target"),
}

# The page an audit row links to: a URL name taking the object's id, or (URL name, the field
# holding the id of the page's object) when the page is another object's.
OBJECT_URLS = {
    "workforce.person": "workforce:detail",
    "workforce.employment": ("workforce:detail", "person"),
    "workforce.certificate": ("workforce:detail", "person"),
    "workforce.fieldinstructor": ("workforce:detail", "person"),
}
