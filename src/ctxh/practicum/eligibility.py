"""Whether a student may rank an offer, and why not (shown to the student, and given to the
allocation engine as the reason of a forbidden pair).

Plain functions over model instances already loaded: the allocation loads every student,
offer and site once and asks :func:`ineligibility` for each ranked pair, with no query.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ctxh.core.searchtext import normalize


def ineligibility(student, offer, site) -> str:
    """Why ``student`` may not take ``offer`` (its facility's practice ``site``, or None when
    the facility is not in the network), in one translated sentence; ``""`` when eligible.

    ``student`` needs its ``round`` loaded; the checks are, in order: the offer is in the
    student's period, the practice type and level match the round's, the facility receives
    students, then the site's requirements (gender, vaccination, language).
    """
    rnd = student.round
    if offer.period_id != student.period_id:
        return _("The offer belongs to another placement period.")
    if offer.practice_type != rnd.practice_type:
        return _("The offer is for %(offered)s; your round is %(needed)s.") % {
            "offered": offer.get_practice_type_display(),
            "needed": rnd.get_practice_type_display(),
        }
    if offer.level != rnd.level:
        return _("The offer is for the level %(offered)s; you are at %(needed)s.") % {
            "offered": offer.get_level_display(),
            "needed": rnd.get_level_display(),
        }
    if site is None or not site.active:
        return _("The facility does not receive students at present.")
    if site.gender_requirement and site.gender_requirement != student.gender:
        return _("The facility receives only %(gender)s.") % {
            "gender": site.get_gender_requirement_display().lower()
        }
    if site.vaccination_required and not student.vaccinated:
        return _("The facility requires vaccination, and you are not recorded as vaccinated.")
    if site.language_required:
        spoken = {normalize(lang) for lang in student.languages.split(",") if lang.strip()}
        if normalize(site.language_required) not in spoken:
            return _("The facility requires the language: %(language)s.") % {
                "language": site.language_required
            }
    return ""


def is_eligible(student, offer, site) -> bool:
    return not ineligibility(student, offer, site)
