"""Phrases of the audit codes of agreements, plans, research, recognition and uploads
(registered from ``CooperationConfig.ready``, beside the app's ``audit_actions``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "attachment.add": _("Attached a file"),
    "attachment.delete": _("Removed an attached file"),
    "agreement.create": _("Recorded an agreement"),
    "agreement.update": _("Edited an agreement"),
    "agreement.enter_into_force": _("Brought an agreement into force"),
    "agreement.expire": _("Marked an agreement expired"),
    "agreement.extend": _("Extended an agreement"),
    "agreement.terminate": _("Terminated an agreement"),
    "actionplan.create": _("Opened an action plan"),
    "task.create": _("Added a task to an action plan"),
    "task.update": _("Edited a task of an action plan"),
    "task.start": _("Started a task"),
    "task.complete": _("Marked a task done"),
    "task.drop": _("Dropped a task"),
    "task.reopen": _("Reopened a task"),
    "task.restore": _("Restored a dropped task"),
    "researchproject.create": _("Recorded a research project"),
    "researchproject.update": _("Edited a research project"),
    "researchproject.start": _("Started a research project"),
    "researchproject.complete": _("Completed a research project"),
    "researchproject.reopen": _("Reopened a research project"),
    "researchproject.cancel": _("Cancelled a research project"),
    "goodpractice.create": _("Shared a good practice"),
    "goodpractice.update": _("Edited a good practice"),
    "award.create": _("Recorded an award"),
    "cooperation.load_demo": _("Loaded the cooperation's demo data"),
}
