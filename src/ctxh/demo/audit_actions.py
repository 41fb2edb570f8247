"""Phrases of the audit action codes the demo loader writes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "practicesite.bulk_load": _("Loaded practice sites in bulk"),
    "user.bulk_load": _("Created student accounts in bulk"),
    "placementperiod.bulk_load": _(
        "Loaded a placement period in bulk (rounds, students, offers, preferences)"
    ),
    "allocationrun.bulk_load": _("Loaded a period's allocation runs and decisions in bulk"),
    "placement.bulk_outcomes": _(
        "Loaded what became of a period's placements in bulk (logbooks, evaluations, grades)"
    ),
    "trainingclass.bulk_load": _("Loaded training classes and participants in bulk"),
    "degreetraining.bulk_load": _("Loaded degree trainees in bulk"),
}
