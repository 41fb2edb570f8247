"""The workforce's panels: the "Staff" section of an organisation's page (slot
``organization_detail``) and the workforce figures of the home page (slot ``home``)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from ctxh.accounts.roles import Role
from ctxh.core.permissions import can
from ctxh.core.scoping import scope_for

from . import selectors
from .models import Employment, FieldInstructor, Person, StaffType

STAFF_SHOWN = 20


def organization_staff(request, organization) -> dict | None:
    """Who works at the organisation now, as far as the viewer may see people. A viewer
    who may see people, but not this organisation's, is told so (not "no staff")."""
    if not can(request.user, Person, "view"):
        return None
    if not scope_for(request.user, Person, "view").covers(organization):
        return {"denied": True}
    current = (
        Employment.objects.filter(organization=organization, end_date__isnull=True)
        .filter(person__in=Person.objects.visible_to(request.user, "view"))
        .select_related("person", "person__field_instructor")
        .order_by("person__sort_key", "person_id")
    )
    total = current.count()
    return {"employments": list(current[:STAFF_SHOWN]), "total": total, "shown": STAFF_SHOWN}


def home_workforce_totals(request, user) -> dict | None:
    """The city's workforce at a glance, for the programme office and the auditor: people,
    staff and collaborators, active field instructors trained in supervision, and the
    Decision 112 coverage of wards and facilities."""
    if not can(user, Person, "statistics"):
        return None
    people = Person.objects.visible_to(user, "statistics")
    counts = people.aggregate(
        total=Count("id"),
        staff=Count("id", filter=Q(staff_type=StaffType.STAFF)),
        collaborators=Count("id", filter=Q(staff_type=StaffType.COLLABORATOR)),
    )
    instructors = FieldInstructor.objects.filter(
        person__in=people, active=True, trained_in_supervision=True
    ).count()
    coverage = selectors.decision_112_coverage(user=user)
    return {**counts, "instructors": instructors, "coverage": coverage}


def home_own_staff(request, user) -> dict | None:
    """For a ward officer or a facility manager: the staff of their own organisation(s),
    with a link to the list of them."""
    own = [
        m.organization
        for m in getattr(user, "active_memberships", [])
        if m.role in (Role.WARD_OFFICER, Role.FACILITY_MANAGER)
    ]
    if not own or not can(user, Person, "view"):
        return None
    visible = Person.objects.visible_to(user, "view")
    by_org = dict(
        visible.filter(current_organization__in=own)
        .values_list("current_organization")
        .annotate(n=Count("id"))
        .values_list("current_organization", "n")
    )
    staff = dict(
        visible.filter(current_organization__in=own, staff_type=StaffType.STAFF)
        .values_list("current_organization")
        .annotate(n=Count("id"))
        .values_list("current_organization", "n")
    )
    return {
        "organizations": [
            {
                "organization": org,
                "people": by_org.get(org.pk, 0),
                "staff": staff.get(org.pk, 0),
                "url": f"{reverse('workforce:list')}?organization={org.pk}",
            }
            for org in own
        ]
    }
