"""The "Staff" section of an organisation's page (slot ``organization_detail``)."""

from __future__ import annotations

from ctxh.core.permissions import can

from .models import Employment, Person

STAFF_SHOWN = 20


def organization_staff(request, organization) -> dict | None:
    """Who works at the organisation now, as far as the viewer may see people."""
    if not can(request.user, Person, "view"):
        return None
    current = (
        Employment.objects.filter(organization=organization, end_date__isnull=True)
        .filter(person__in=Person.objects.visible_to(request.user, "view"))
        .select_related("person", "person__field_instructor")
        .order_by("person__sort_key", "person_id")
    )
    total = current.count()
    return {"employments": list(current[:STAFF_SHOWN]), "total": total, "shown": STAFF_SHOWN}
