"""Phrases of the geo app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "geo.load_units": _("Loaded the administrative units"),
}
