"""Phrases of the practicum app's audit action codes (read by ctxh.core.audit_actions)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "practicesite.create": _("Added a facility to the practice network"),
    "practicesite.update": _("Edited a practice site"),
    "placementperiod.create": _("Opened a placement period"),
    "placementperiod.update": _("Edited a placement period"),
    "round.create": _("Opened a practicum round"),
    "round.update": _("Edited a practicum round"),
    "student.create": _("Added a student to a round"),
    "student.update": _("Edited a student of a round"),
    "placementperiod.open": _("Opened preferences of a placement period"),
    "placementperiod.freeze": _("Froze the preferences of a placement period"),
    "placementperiod.reopen": _("Reopened the preferences of a placement period"),
    "placementperiod.commit": _("Committed an allocation"),
    "placementperiod.close": _("Closed a placement period"),
    "placement.accept": _("Accepted a student"),
    "placement.decline": _("Declined a student"),
    "placement.withdraw": _("Withdrew a placement"),
    "periodinstructor.set": _("Named a field instructor for a placement period"),
    "periodinstructor.remove": _("Removed a field instructor from a placement period"),
    "offer.create": _("Created a practicum offer"),
    "offer.update": _("Edited a practicum offer"),
    "offer.publish": _("Published a practicum offer"),
    "offer.withdraw": _("Withdrew a practicum offer"),
    "offer.reopen": _("Reopened a withdrawn practicum offer as a draft"),
    "offer.preferences_removed": _("Removed the preferences for a withdrawn offer"),
    "preference.set": _("Set a student's ranking of offers"),
    "placement.move": _("Moved a student to another offer"),
    "allocationrun.start": _("Started an allocation run"),
    "allocationrun.commit": _("Committed an allocation run into proposals"),
    "allocationrun.export": _("Downloaded the outcomes of an allocation run"),
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

# Part 2: the practice, supervision, evaluations, completion.
ACTIONS.update(
    {
        "placement.start": _("Started a student's practice"),
        "placement.complete": _("Confirmed the completion of a practice"),
        "placement.interrupt": _("Interrupted a placement"),
        "supervisionsession.create": _("Recorded a supervision session"),
        "supervisionsession.update": _("Edited a supervision session"),
        "rubric.create": _("Created an evaluation rubric"),
        "rubric.update": _("Edited an evaluation rubric"),
        "evaluation.submit": _("Submitted an evaluation"),
        "grade.record": _("Recorded a grade"),
        "grade.update": _("Corrected a grade"),
    }
)

# In practice: the logbook and the learning agreement.
ACTIONS.update(
    {
        "logentry.create": _("Wrote a logbook entry"),
        "logentry.update": _("Edited a logbook entry"),
        "logentry.submit": _("Submitted a logbook entry"),
        "logentry.resubmit": _("Submitted a returned logbook entry again"),
        "logentry.correct": _("Corrected an approved logbook entry"),
        "logentry.approve": _("Approved a logbook entry"),
        "logentry.return": _("Returned a logbook entry"),
        "learningagreement.create": _("Started a learning agreement"),
        "learningagreement.update": _("Edited a learning agreement"),
        "learningagreement.propose": _("Proposed a learning agreement"),
        "learningagreement.approve": _("Approved a learning agreement"),
        "learningagreement.agree": _("Agreed a learning agreement"),
        "learningagreement.reopen": _("Took a learning agreement back to draft"),
        "learningagreement.revise": _("Started a new version of a learning agreement"),
    }
)
