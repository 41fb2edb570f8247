"""The tasks of the action plans: added and changed by the organisation responsible for
them (or the programme office), moved planned → in progress → done / dropped, with the
evidence of what was delivered attached.

A task's responsible organisation is the agreement's agency side or one of its partners;
its deadline falls in its plan's year; what delivered it may be a training class, an event
or a research project (:data:`DELIVERABLE`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import transition

from ..models import ActionPlan, Agreement, Task
from .uploads import attachment_add, upload_check

TASK_FIELDS = ("title", "area", "owner", "deadline", "expected_product")
#: The kinds of record that can deliver a task ("cooperation.event" once events exist).
DELIVERABLE = ("training.trainingclass", "cooperation.event", "cooperation.researchproject")


def deliverable_models() -> list[type]:
    """The models of :data:`DELIVERABLE` installed in this build."""
    found = []
    for label in DELIVERABLE:
        try:
            found.append(apps.get_model(label))
        except LookupError:
            continue
    return found


def _check_delivered_by(obj) -> None:
    if obj is not None and obj._meta.label_lower not in DELIVERABLE:
        raise ValidationError(
            {
                "delivered_by": _(
                    "A task is delivered by a training class, an event or a research project."
                )
            }
        )


def _check_owner(plan: ActionPlan, owner, partners: list) -> None:
    agreement = plan.agreement
    allowed = {agreement.agency_id, *agreement.partners.values_list("pk", flat=True)}
    if owner is not None and owner.pk not in allowed:
        raise ValidationError(
            {
                "owner": _(
                    "“%(org)s” is not a party to the agreement: the responsible organisation is "
                    "the agency side or one of its partners."
                )
                % {"org": owner}
            }
        )
    if owner is not None and any(p.pk == owner.pk for p in partners):
        raise ValidationError(
            {"partners": _("The responsible organisation is not also its own partner.")}
        )


@transaction.atomic
def task_save(
    *,
    by,
    plan: ActionPlan | None = None,
    task: Task | None = None,
    partners: Iterable | None = None,
    delivered_by=...,
    **fields: Any,
) -> Task:
    """Add a task to ``plan`` (``task`` None) or change ``task``.

    ``by`` must be allowed to add (change) tasks of the responsible organisation, before
    and after the change: a partner manages its own tasks only. Refused with a clear
    message: a responsible organisation outside the agreement, a deadline outside the plan's
    year, a plan of an agreement no longer in force or in draft, a task that is done or
    dropped, a "delivered by" record that is not a class, an event or a research project.
    ``delivered_by`` (a model instance or None) is left unchanged when not given.
    """
    extra = set(fields) - set(TASK_FIELDS)
    if extra:
        raise TypeError(f"Unknown fields: {sorted(extra)}")
    if task is None:
        if plan is None:
            raise TypeError("task_save needs a plan or a task")
        obj = Task(plan=plan, created_by=by if getattr(by, "pk", None) else None)
        action = "add"
    else:
        obj = Task.objects.select_for_update().select_related("plan__agreement").get(pk=task.pk)
        plan = obj.plan
        action = "change"
        if not scope_for(by, Task, "change").covers_object(obj):
            raise PermissionDenied(_("You may only change the tasks of your organisation."))
        if obj.status not in Task.OPEN:
            raise ValidationError(
                _("The task is %(status)s: reopen it before changing it.")
                % {"status": obj.get_status_display().lower()}
            )
    owner = fields.get("owner", obj.owner if obj.owner_id else None)
    if not scope_for(by, Task, action).covers(owner):
        raise PermissionDenied(
            _("You may only add tasks for which your organisation is responsible.")
        )
    if plan.agreement.status not in (Agreement.Status.IN_FORCE, Agreement.Status.DRAFT):
        raise ValidationError(
            _("The agreement is %(status)s: its plans take no new work.")
            % {"status": plan.agreement.get_status_display().lower()}
        )
    partners = list(partners) if partners is not None else None
    _check_owner(plan, owner, partners or [])
    if delivered_by is not ...:
        _check_delivered_by(delivered_by)
    old_partners = sorted(obj.partners.values_list("pk", flat=True)) if obj.pk else []
    with audit.tracking(
        obj,
        actor=by,
        action="task.create" if task is None else "task.update",
        organization=owner,
    ) as change:
        for name, value in fields.items():
            setattr(obj, name, value)
        if delivered_by is not ...:
            obj.delivered_by_type = (
                ContentType.objects.get_for_model(type(delivered_by)) if delivered_by else None
            )
            obj.delivered_by_id = delivered_by.pk if delivered_by else None
        obj.full_clean(exclude=["status", "created_by"])
        obj.save()
        if partners is not None:
            obj.partners.set(partners)
    new_partners = sorted(obj.partners.values_list("pk", flat=True))
    if new_partners != old_partners:
        if change.event is None:
            audit.record(
                actor=by,
                action="task.update",
                obj=obj,
                organization=owner,
                old={"partners": old_partners},
                new={"partners": new_partners},
            )
        else:
            change.event.old_values["partners"] = old_partners
            change.event.new_values["partners"] = new_partners
            change.event.save(update_fields=["old_values", "new_values"])
    return obj


@transaction.atomic
def task_move(
    *,
    task: Task,
    to: str,
    by,
    result: str | None = None,
    evidence: Iterable = (),
    reason: str = "",
) -> Task:
    """Move a task to ``to`` (planned → in progress → done, or dropped; reopen, restore).

    Marking it done needs ``result`` (what was delivered) — given now or written before —
    and records the date; ``evidence`` (uploads) is attached in the same step, each checked
    by its content first: a refused file leaves the task as it was.
    """
    files = list(evidence or ())
    checked = [upload_check(f, field="evidence") for f in files]
    updates: dict[str, Any] = {}
    if to == Task.Status.DONE:
        updates["done_on"] = timezone.localdate()
        if result is not None:
            updates["result"] = result.strip()
    elif task.status == Task.Status.DONE:
        updates["done_on"] = None
    transition(task, to=to, by=by, reason=reason, extra_updates=updates)
    for file, sniffed in zip(files, checked, strict=True):
        attachment_add(
            owner=task, file=file, by=by, purpose="evidence", checked=sniffed, field="evidence"
        )
    return task


def task_add_evidence(*, task: Task, files: Iterable, by) -> list:
    """Attach evidence files to a task (its organisation or the programme office), all or
    nothing: every file is checked before the first is written."""
    files = list(files)
    if not files:
        raise ValidationError({"evidence": _("Choose a file.")})
    checked = [upload_check(f, field="evidence") for f in files]
    with transaction.atomic():
        return [
            attachment_add(
                owner=task, file=f, by=by, purpose="evidence", checked=c, field="evidence"
            )
            for f, c in zip(files, checked, strict=True)
        ]
