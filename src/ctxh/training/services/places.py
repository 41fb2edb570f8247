"""What the class and enrolment services share: the lock on a class row, the waiting
list that moves up into free places, and telling organisations about decisions.

Every decision on places locks the class row first (:func:`locked_class`), so that two
organisers accepting at once never fill more places than the class has.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from ctxh.core.notifications import notify, translatable
from ctxh.core.scoping import SYSTEM
from ctxh.core.transitions import transition

from ..models import Enrollment, TrainingClass

S = Enrollment.Status
#: A class in these statuses is finished: nothing about it changes any more.
FINISHED = (TrainingClass.Status.CLOSED, TrainingClass.Status.CANCELLED)
#: Statuses in which a class takes decisions on its participants.
TAKING_DECISIONS = (TrainingClass.Status.OPEN, TrainingClass.Status.RUNNING)


def locked_class(klass: TrainingClass) -> TrainingClass:
    """The class row, locked until the transaction ends (capacity decisions wait on it)."""
    return TrainingClass.objects.select_for_update().get(pk=klass.pk)


def accepted_count(klass: TrainingClass) -> int:
    return Enrollment.objects.filter(training_class=klass, status=S.ACCEPTED).count()


# --- telling people -----------------------------------------------------------------


def _nominators(org_ids: Iterable[int]) -> dict[int, list]:
    from ctxh.accounts.models import Membership
    from ctxh.accounts.roles import Role

    found = defaultdict(list)
    for m in Membership.objects.filter(
        organization_id__in=set(org_ids),
        role__in=(Role.WARD_OFFICER, Role.FACILITY_MANAGER, Role.SCHOOL_COORDINATOR),
        active=True,
        user__is_active=True,
    ).select_related("user"):
        found[m.organization_id].append(m.user)
    return found


def _tell(enrollments: list[Enrollment], title) -> None:
    """Tell each participant's organisation (and the participant) about a decision."""
    if not enrollments:
        return
    rows = list(
        Enrollment.objects.filter(pk__in=[e.pk for e in enrollments]).select_related(
            "person__user", "training_class"
        )
    )
    staff = _nominators(r.organization_id for r in rows if r.organization_id)
    for row in rows:
        users = list(staff.get(row.organization_id, []))
        if row.person_id and row.person.user_id:
            users.append(row.person.user)
        notify(
            users=users,
            title=translatable(title, name=row.participant_name, klass=row.training_class.name),
            url=reverse("training:class_detail", args=[row.training_class_id]),
        )


ACCEPTED_TITLE = gettext_lazy("%(name)s is accepted in the class “%(klass)s”")
WAITLISTED_TITLE = gettext_lazy("%(name)s is on the waiting list of the class “%(klass)s”")
DECLINED_TITLE = gettext_lazy("%(name)s is not accepted in the class “%(klass)s”")
MOVED_UP_TITLE = gettext_lazy(
    "A place freed: %(name)s moves up from the waiting list of the class “%(klass)s”"
)


def on_commit_tell(enrollments: list[Enrollment], title) -> None:
    if enrollments:
        ids = [e.pk for e in enrollments]
        transaction.on_commit(lambda: _tell([Enrollment(pk=pk) for pk in ids], title))


def fill_from_waitlist(klass: TrainingClass, *, reason: str = "") -> list[Enrollment]:
    """Move the first on the waiting list up into the free places of ``klass`` (locked by
    the caller, inside its transaction); they are told once it commits. The workflow
    moves them on the system's behalf: no one decided, a place freed."""
    if klass.status not in TAKING_DECISIONS:
        return []
    free = klass.capacity - accepted_count(klass)
    if free <= 0:
        return []
    waiting = list(
        Enrollment.objects.select_for_update()
        .filter(training_class=klass, status=S.WAITLISTED)
        .order_by("waitlist_position", "nominated_at", "pk")[:free]
    )
    now = timezone.now()
    for row in waiting:
        row.training_class = klass
        transition(
            row,
            to=S.ACCEPTED,
            by=SYSTEM,
            reason=reason,
            extra_updates={"waitlist_position": None, "decided_at": now},
        )
    on_commit_tell(waiting, MOVED_UP_TITLE)
    return waiting
