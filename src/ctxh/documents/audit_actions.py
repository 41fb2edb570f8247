"""Phrases of the documents app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "document.issue": _("Issued a document"),
    "document.void": _("Voided a document"),
    "document.reissue": _("Re-issued a document"),
    "signersettings.update": _("Changed the signer settings"),
}

# The page an audit row links to (see workforce/audit_actions.py).
OBJECT_URLS = {
    "documents.document": "documents:detail",
}
