"""The practicum's to-dos on the home page (registered on import from ``apps.ready``).

Each to-do costs at most one query per role the user holds: a student with an open
ranking, a coordinator whose students have not ranked, a facility with proposals to decide.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ctxh.core import panels
from ctxh.core.scoping import scope_for

from .models import Placement, PlacementPeriod, Preference, Student


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:  # an area not installed in this build
        return reverse("practicum:board")


def home_todos(request, user) -> list[dict]:
    items: list[dict] = []
    if not getattr(user, "is_authenticated", False):
        return items
    now = timezone.now()
    open_ranking = (
        Student.objects.filter(
            user=user,
            period__status=PlacementPeriod.Status.PREFERENCES,
            period__preference_deadline__gt=now,
        )
        .select_related("period")
        .first()
    )
    if open_ranking is not None:
        items.append(
            {
                "label": _("Rank the practice places you want before %(deadline)s")
                % {
                    "deadline": timezone.localtime(
                        open_ranking.period.preference_deadline
                    ).strftime("%H:%M %d/%m/%Y")
                },
                "url": _url("practicum:my_preferences"),
            }
        )
    school = scope_for(user, Student, "change")
    if not school.everything and school.organization_ids:
        waiting = (
            Student.objects.filter(
                school_id__in=school.organization_ids,
                period__status=PlacementPeriod.Status.PREFERENCES,
                period__preference_deadline__gt=now,
            )
            .filter(~Exists(Preference.objects.filter(student=OuterRef("pk"))))
            .count()
        )
        if waiting:
            items.append(
                {
                    "label": ngettext(
                        "%(count)s of your students has not ranked any practice place",
                        "%(count)s of your students have not ranked any practice place",
                        waiting,
                    )
                    % {"count": waiting},
                    "url": _url("practicum:round_list"),
                }
            )
    facility = scope_for(user, Placement, "decide")
    if not facility.everything and facility.organization_ids:
        proposed = Placement.objects.filter(
            facility_id__in=facility.organization_ids, status=Placement.Status.PROPOSED
        ).count()
        if proposed:
            items.append(
                {
                    "label": ngettext(
                        "%(count)s proposed student awaits your decision",
                        "%(count)s proposed students await your decision",
                        proposed,
                    )
                    % {"count": proposed},
                    "url": _url("practicum:proposals"),
                }
            )
    return items


panels.register_todos("practicum", home_todos)
