"""Research projects, good practices and awards.

A partner records and edits the projects it leads and the practices it shares; the
programme office any of them. Publishing to the public portal (``published``) is the
programme office's decision. Awards are recorded by the programme office.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctxh.core import audit
from ctxh.core.scoping import scope_for
from ctxh.core.transitions import transition

from ..models import Award, GoodPractice, ResearchProject
from .uploads import attachment_add, upload_check

RESEARCH_FIELDS = (
    "title",
    "code",
    "level",
    "lead",
    "starts_on",
    "ends_on",
    "summary",
    "results",
    "published",
)
PRACTICE_FIELDS = (
    "title",
    "organization",
    "area",
    "problem",
    "where_applied",
    "results",
    "contact_role",
    "published",
)
AWARD_FIELDS = (
    "kind",
    "title",
    "person",
    "organization",
    "decision_number",
    "decision_date",
    "issuer",
    "reason",
)


def _m2m_audit(change, obj, by, action, organization, name, old, new) -> None:
    if old == new:
        return
    if change.event is None:
        audit.record(
            actor=by,
            action=action,
            obj=obj,
            organization=organization,
            old={name: old},
            new={name: new},
        )
    else:
        change.event.old_values[name] = old
        change.event.new_values[name] = new
        change.event.save(update_fields=["old_values", "new_values"])


def _save_owned(
    *,
    model,
    obj,
    by,
    org_field: str,
    fields: dict[str, Any],
    allowed: Iterable[str],
    m2m: tuple[str, Iterable | None],
    files: Iterable,
    file_field: str,
    purpose: str,
):
    extra = set(fields) - set(allowed)
    if extra:
        raise TypeError(f"Unknown fields: {sorted(extra)}")
    name = model._meta.model_name
    creating = obj is None
    if not creating and not scope_for(by, model, "change").covers_object(obj):
        raise PermissionDenied(_("You may only change the records of your organisation."))
    instance = obj or model()
    org = fields.get(org_field, getattr(instance, org_field) if not creating else None)
    if not scope_for(by, model, "add" if creating else "change").covers(org):
        raise PermissionDenied(_("You may only record this for your own organisation."))
    publishing = "published" in fields and bool(fields["published"]) != bool(instance.published)
    if publishing and not scope_for(by, model, "publish").covers(org):
        raise PermissionDenied(_("Only the programme office publishes to the public portal."))
    files = [f for f in files or () if f]
    checked = [upload_check(f, field=file_field) for f in files]
    m2m_name, m2m_values = m2m
    m2m_values = list(m2m_values) if m2m_values is not None else None
    old_m2m = (
        sorted(getattr(instance, m2m_name).values_list("pk", flat=True)) if instance.pk else []
    )
    with audit.tracking(
        instance,
        actor=by,
        action=f"{name}.create" if creating else f"{name}.update",
        organization=org,
    ) as change:
        for key, value in fields.items():
            setattr(instance, key, value)
        instance.full_clean(exclude=["status"])
        instance.save()
        if m2m_values is not None:
            getattr(instance, m2m_name).set(m2m_values)
    new_m2m = sorted(getattr(instance, m2m_name).values_list("pk", flat=True))
    _m2m_audit(change, instance, by, f"{name}.update", org, m2m_name, old_m2m, new_m2m)
    for file, sniffed in zip(files, checked, strict=True):
        attachment_add(
            owner=instance, file=file, by=by, purpose=purpose, checked=sniffed, field=file_field
        )
    return instance


@transaction.atomic
def research_save(
    *,
    by,
    project: ResearchProject | None = None,
    partners: Iterable | None = None,
    reports: Iterable = (),
    **fields: Any,
) -> ResearchProject:
    """Record a research project (``project`` None) or change one, with its ``partners``
    and new ``reports`` (uploads, each checked by content before anything is written).
    A partner manages the projects it leads; publishing is the programme office's."""
    return _save_owned(
        model=ResearchProject,
        obj=project,
        by=by,
        org_field="lead",
        fields=fields,
        allowed=RESEARCH_FIELDS,
        m2m=("partners", partners),
        files=reports,
        file_field="reports",
        purpose="report",
    )


def research_move(*, project: ResearchProject, to: str, by, reason: str = "") -> ResearchProject:
    """Move a research project's status (proposed → ongoing → completed, or cancelled)."""
    return transition(project, to=to, by=by, reason=reason)


@transaction.atomic
def practice_save(
    *,
    by,
    practice: GoodPractice | None = None,
    applied_at: Iterable | None = None,
    files: Iterable = (),
    **fields: Any,
) -> GoodPractice:
    """Share a good practice (``practice`` None) or change one: its fields, the facilities
    that apply it (``applied_at``) and new ``files``. The sharing organisation manages it;
    publishing is the programme office's."""
    return _save_owned(
        model=GoodPractice,
        obj=practice,
        by=by,
        org_field="organization",
        fields=fields,
        allowed=PRACTICE_FIELDS,
        m2m=("applied_at", applied_at),
        files=files,
        file_field="files",
        purpose="material",
    )


@transaction.atomic
def award_create(*, by, **fields: Any) -> Award:
    """Record an award or commendation. The recipient is a person of the registry (filed
    under their organisation unless ``organization`` is given) or an organisation."""
    extra = set(fields) - set(AWARD_FIELDS)
    if extra:
        raise TypeError(f"Unknown fields: {sorted(extra)}")
    person = fields.get("person")
    if person is not None and not fields.get("organization"):
        fields["organization"] = person.current_organization
        if fields["organization"] is None:
            raise ValidationError(
                {"organization": _("This person has no current employer: name the organisation.")}
            )
    if not fields.get("organization"):
        raise ValidationError({"organization": _("Name the person or the organisation awarded.")})
    if not scope_for(by, Award, "add").covers(fields["organization"]):
        raise PermissionDenied(_("You may not record awards."))
    award = Award(created_by=by if getattr(by, "pk", None) else None, **fields)
    award.full_clean()
    award.save()
    audit.record(
        actor=by,
        action="award.create",
        obj=award,
        organization=award.organization_id,
        new=audit.snapshot(
            award,
            [
                "kind",
                "title",
                "person_id",
                "organization_id",
                "decision_number",
                "decision_date",
                "issuer",
            ],
        ),
    )
    return award
