"""Phrases of the monitoring app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS: dict = {}
OBJECT_URLS: dict = {}

# --- indicators and targets ---
ACTIONS |= {
    "indicator.create": _("Added an indicator"),
    "indicator.update": _("Edited an indicator"),
    "target.create": _("Set a programme target"),
    "target.update": _("Changed a programme target"),
    "indicatorvalue.create": _("Entered an indicator's value"),
    "indicatorvalue.update": _("Corrected an indicator's value"),
    "indicators.load": _("Loaded the programme's indicators and targets"),
}
OBJECT_URLS |= {
    "monitoring.indicator": "monitoring:indicator",
    "monitoring.target": ("monitoring:indicator", "indicator"),
    "monitoring.indicatorvalue": ("monitoring:indicator", "indicator"),
}

# --- periodic submissions ---
ACTIONS |= {
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

# --- reports ---
ACTIONS |= {
    "report.start": _("Started generating a programme report"),
    "report.finish": _("Generated a programme report"),
    "report.fail": _("Could not generate a programme report"),
}
OBJECT_URLS |= {"monitoring.report": "monitoring:report"}
