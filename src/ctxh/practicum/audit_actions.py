"""Phrases of the practicum app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "placementperiod.open": _("Opened preferences of a placement period"),
    "placementperiod.freeze": _("Froze the preferences of a placement period"),
    "placementperiod.reopen": _("Reopened the preferences of a placement period"),
    "placementperiod.commit": _("Committed an allocation"),
    "placementperiod.close": _("Closed a placement period"),
    "placement.accept": _("Accepted a student"),
    "placement.decline": _("Declined a student"),
    "placement.withdraw": _("Withdrew a placement"),
}

# The page an audit row links to (see workforce/audit_actions.py).
OBJECT_URLS: dict = {}

# Acceptance (step 6).
ACTIONS.update(
    {
        "placementperiod.remind": _("Reminded a facility of proposals awaiting its decision"),
        "placement.export": _("Downloaded the list of accepted students"),
    }
)
