"""The course catalogue: what the programme teaches, to whom, by whom.

The programme office keeps every course; a trainer's organisation keeps the courses it
provides (it must name itself as the provider).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for

from ..models import Course

#: What a service may set on a course.
COURSE_FIELDS = (
    "code",
    "title",
    "topic",
    "target_audience",
    "hours",
    "competencies",
    "level",
    "provider",
    "active",
)


def _unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown field(s): {', '.join(sorted(unknown))}")


@transaction.atomic
def course_save(*, by, course: Course | None = None, **fields: Any) -> Course:
    """Add a course to the catalogue (``course`` None) or change one.

    The programme office may keep any course; a trainer only the courses its own
    organisation provides, before and after the change.
    """
    _unknown(fields, COURSE_FIELDS)
    if course is None:
        obj = Course()
        action = "add"
    else:
        obj = Course.objects.select_for_update().get(pk=course.pk)
        action = "change"
        if not scope_for(by, Course, "change").covers_object(obj):
            raise PermissionDenied(_("You may not change this course."))
    provider = fields.get("provider", obj.provider if obj.provider_id else None)
    if not scope_for(by, Course, action).covers(provider):
        raise PermissionDenied(_("You may only keep the courses your organisation provides."))
    with audit.tracking(
        obj,
        actor=by,
        action="course.create" if course is None else "course.update",
        organization=provider,
    ):
        for name, value in fields.items():
            setattr(obj, name, value)
        obj.full_clean()
        obj.save()
    if course is not None:
        for f in Course._meta.concrete_fields:
            setattr(course, f.attname, getattr(obj, f.attname))
    return obj
