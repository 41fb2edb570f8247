"""Phrases of the organisations app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "organization.create": _("Added an organisation"),
    "organization.update": _("Edited an organisation's details"),
    "headcount.submit": _("Recorded a residents' headcount"),
    "headcount.load": _("Loaded residents' headcounts"),
}

# The page an audit row links to (see ctxh.core.audit_actions).
OBJECT_URLS = {
    "organizations.organization": "organizations:detail",
}
