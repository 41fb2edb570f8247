"""Who is the field instructor behind an account, and whom do they supervise.

A placement names a :class:`~ctxh.practicum.models.PeriodInstructor`, whose ``instructor``
is a workforce :class:`~ctxh.workforce.models.FieldInstructor` (a person). The account is
linked by ``FieldInstructor.user``; while that link is empty (older data), the person's
e-mail address is matched with the account's, as part 1 did.

The permission table gives a field instructor ORG reach over their facility's logbooks
and agreements (action ``supervise``); :func:`supervises` narrows it to the placements
they supervise. Every page and service asks :func:`supervises`, never a copy of it.
"""

from __future__ import annotations

from django.db.models import Q

from ctxh.core.roles import Role
from ctxh.core.scoping import scope_for
from ctxh.workforce.models import FieldInstructor

_CACHE = "_ctxh_field_instructor"


def _log_entry():
    """The logbook's model, looked up at call time: the placement's status table asks
    :func:`supervises` from the models module, which this module must not import back."""
    from django.apps import apps

    return apps.get_model("practicum", "LogEntry")


def instructor_for_user(user) -> FieldInstructor | None:
    """The field instructor ``user`` is (linked account first, else the same e-mail
    address among instructors not linked to another account); None for anyone else.
    Remembered on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.pk:
        return None
    if _CACHE in user.__dict__:
        return user.__dict__[_CACHE]
    found = FieldInstructor.objects.filter(user=user).select_related("person").first()
    email = (getattr(user, "email", "") or "").strip()
    if found is None and email:
        roles = {m.role for m in getattr(user, "active_memberships", [])}
        if Role.FIELD_INSTRUCTOR in roles:
            found = (
                FieldInstructor.objects.filter(user__isnull=True, person__email__iexact=email)
                .select_related("person")
                .order_by("pk")
                .first()
            )
    user.__dict__[_CACHE] = found
    return found


def supervised_q(user, prefix: str = "") -> Q:
    """A filter on placements (``prefix`` = the path to the placement, e.g.
    ``"placement__"``) selecting those ``user`` supervises: their field instructor, at a
    facility where they hold the supervising role. Matches nothing for anyone else."""
    fi = instructor_for_user(user)
    scope = scope_for(user, _log_entry(), "supervise")
    if fi is None or (not scope.everything and not scope.organization_ids):
        return Q(pk__in=[])
    condition = Q(**{f"{prefix}instructor__instructor": fi})
    if not scope.everything:
        condition &= Q(**{f"{prefix}facility_id__in": scope.organization_ids})
    return condition


def supervises(user, placement) -> bool:
    """Whether ``user`` is the field instructor of ``placement`` (and holds the
    supervising role at its facility). The one answer, asked everywhere."""
    if placement is None or not placement.instructor_id:
        return False
    fi = instructor_for_user(user)
    if fi is None:
        return False
    if not scope_for(user, _log_entry(), "supervise").covers(placement.facility_id):
        return False
    return placement.instructor.instructor_id == fi.pk


def instructor_users(placement) -> list:
    """The accounts of ``placement``'s field instructor (to notify): the linked account,
    else the field-instructor accounts of the facility with the person's e-mail."""
    from ctxh.accounts.models import User

    if not placement.instructor_id:
        return []
    fi = placement.instructor.instructor
    if fi.user_id:
        return [fi.user] if fi.user.is_active else []
    email = (fi.person.email or "").strip()
    if not email:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            email__iexact=email,
            memberships__organization_id=placement.facility_id,
            memberships__role=Role.FIELD_INSTRUCTOR,
            memberships__active=True,
        ).distinct()
    )
