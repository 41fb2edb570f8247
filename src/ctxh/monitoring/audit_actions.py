"""Phrases of the monitoring app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

# Periodic submissions.
ACTIONS = {
    "submission.create": _("Started a periodic report"),
    "submission.save": _("Saved the figures of a periodic report"),
    "submission.submit": _("Submitted a periodic report"),
    "submission.approve": _("Approved a periodic report"),
    "submission.return": _("Returned a periodic report"),
    "submission.supersede": _("Replaced a periodic report by its correction"),
    "submission.correct": _("Opened a correction of an approved periodic report"),
    "submission.remind": _("Reminded organisations of a periodic report"),
    "submission.load": _("Loaded periodic reports"),
    "closedperiod.create": _("Closed a reporting period"),
}
