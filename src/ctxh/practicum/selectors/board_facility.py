"""The facility's part of the practicum board (``/practicum/``): its offers, the proposals
waiting for its decision, its accepted students and how long it takes to decide. A field
instructor sees the students accepted with them."""

from __future__ import annotations

from django.db.models import Count, Q

from ctxh.core.roles import Role
from ctxh.core.searchtext import normalize

from ..models import Offer, PeriodInstructor, Placement
from . import board_practice
from .decisions import decision_times
from .logbook import approvals_summary

FACILITY_ROLES = (Role.FACILITY_MANAGER, Role.FIELD_INSTRUCTOR)


def _facilities(user) -> list:
    """The facilities where ``user`` is a manager or a field instructor (not the programme
    office: its own section shows every facility)."""
    seen, rows = set(), []
    for m in getattr(user, "active_memberships", []):
        if m.role in FACILITY_ROLES and m.organization_id not in seen:
            seen.add(m.organization_id)
            rows.append((m.organization, m.role))
    return rows


def _own_instructors(user, period, facility_ids) -> list[int]:
    """The period instructors that are this user: linked by ``FieldInstructor.user``, else
    matched on the e-mail address, else on the full name (accents ignored)."""
    candidates = PeriodInstructor.objects.filter(
        period=period, facility_id__in=facility_ids
    ).values_list(
        "pk", "instructor__person__email", "instructor__person__full_name", "instructor__user_id"
    )
    email = (user.email or "").strip().lower()
    name = normalize(getattr(user, "full_name", "") or "")
    return [
        pk
        for pk, p_email, p_name, user_id in candidates
        if user_id == user.pk
        or (email and (p_email or "").strip().lower() == email)
        or (name and normalize(p_name or "") == name)
    ]


def context(request, period) -> dict | None:
    """What the facility's section of the board shows for ``period`` (None: not shown)."""
    facilities = _facilities(request.user)
    if not facilities:
        return None
    ids = [org.pk for org, _role in facilities]
    manages = {org.pk for org, role in facilities if role == Role.FACILITY_MANAGER}
    # TODO(lead): replace by ctxh.practicum.selectors.offers.facility_offers(user, period)
    # once the offers branch is merged; this is the simple inline version.
    accepted_q = Q(placements__status__in=Placement.HOSTED)
    offers = list(
        Offer.objects.filter(period=period, facility_id__in=ids)
        .exclude(status=Offer.Status.WITHDRAWN)
        .annotate(
            accepted=Count("placements", filter=accepted_q),
            proposed=Count("placements", filter=Q(placements__status=Placement.Status.PROPOSED)),
        )
        .select_related("facility")
        .order_by("facility__sort_key", "practice_type", "level", "pk")
    )
    for offer in offers:
        offer.free = max(offer.seats - offer.accepted, 0)
    times = decision_times(period, facility_ids=ids)
    rows = []
    for org, _role in facilities:
        f = times.get(org.pk)
        rows.append(
            {
                "facility": org,
                "manages": org.pk in manages,
                "offers": [o for o in offers if o.facility_id == org.pk],
                "pending": f.pending if f else 0,
                "overdue": f.overdue if f else 0,
                "decided": f.decided if f else 0,
                "mean_days": f.mean_days if f else None,
                "max_days": f.max_days if f else None,
            }
        )
    accepted = Placement.objects.filter(
        period=period, facility_id__in=ids, status__in=Placement.HOSTED
    )
    counts = dict(accepted.values_list("facility_id").annotate(n=Count("pk")).order_by())
    for row in rows:
        row["accepted"] = counts.get(row["facility"].pk, 0)
    mine = []
    if any(role == Role.FIELD_INSTRUCTOR for _org, role in facilities):
        own = _own_instructors(request.user, period, ids)
        if own:
            mine = list(
                accepted.filter(instructor_id__in=own)
                .select_related("student", "school", "offer")
                .order_by("student__sort_key", "pk")[:100]
            )
    # The field instructor's entries to approve (all periods: a logbook outlives its
    # period's board), with the longest wait.
    to_approve = instructing = None
    if any(role == Role.FIELD_INSTRUCTOR for _org, role in facilities):
        to_approve = approvals_summary(request.user)
        # Part 2: the instructor's sessions this week and evaluations due.
        instructing = board_practice.instructor_practice(request.user)
    return {
        "period": period,
        "facilities": rows,
        "my_students": mine,
        # Part 2: the current students of the facilities the user manages, with hours.
        "progress": board_practice.facility_progress(period, manages),
        "to_approve": to_approve,
        "instructing": instructing,
    }
