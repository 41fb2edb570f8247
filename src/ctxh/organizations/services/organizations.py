"""Every write to organisations. Keyword-only, permission-checked, atomic, audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ctxh.core import audit
from ctxh.core.scoping import scope_for

from ..models import FacilityProfile, Organization

#: Fields only the programme office may set: they change what the organisation *is*, or
#: where it sits: the ward decides which ward officer oversees it.
RESTRICTED_FIELDS = frozenset({"code", "kind", "ownership", "parent", "ward", "active"})
ORGANIZATION_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "ownership",
    "parent",
    "ward",
    "former_district",
    "address",
    "phone",
    "email",
    "website",
    "head_name",
    "active",
)
FACILITY_FIELDS = (
    "capacity",
    "licence_number",
    "licence_date",
    "licence_issuer",
    "provides_social_work_services",
    "latitude",
    "longitude",
)
FACILITY_M2M = ("target_groups", "services")


def _facility_snapshot(profile: FacilityProfile | None) -> dict[str, Any]:
    if profile is None:
        return {}
    data = {f"facility.{k}": v for k, v in audit.snapshot(profile, FACILITY_FIELDS).items()}
    if profile.pk:
        for name in FACILITY_M2M:
            data[f"facility.{name}"] = sorted(getattr(profile, name).values_list("code", flat=True))
    return data


def _apply_facility(org: Organization, facility: dict[str, Any] | None) -> FacilityProfile | None:
    if not org.is_facility:
        return None
    profile = getattr(org, "facility", None) or FacilityProfile(organization=org)
    facility = facility or {}
    for name in FACILITY_FIELDS:
        if name in facility:
            setattr(profile, name, facility[name])
    profile.full_clean()
    profile.save()
    for name in FACILITY_M2M:
        if name in facility:
            getattr(profile, name).set(facility[name])
    return profile


@transaction.atomic
def organization_create(
    *, by, data: dict[str, Any], facility: dict[str, Any] | None = None
) -> Organization:
    """Register a new organisation (programme office only); a facility gets its profile."""
    if not scope_for(by, Organization, "add").everything:
        raise PermissionDenied
    org = Organization(**{k: v for k, v in data.items() if k in ORGANIZATION_FIELDS})
    org.full_clean()
    org.save()
    profile = _apply_facility(org, facility)
    audit.record(
        actor=by,
        action="organization.create",
        obj=org,
        organization=org,
        new={**audit.snapshot(org), **_facility_snapshot(profile)},
    )
    return org


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    by,
    data: dict[str, Any],
    facility: dict[str, Any] | None = None,
) -> Organization:
    """Change an organisation's details; a facility manager may edit its own, except the
    fields that define what the organisation is and which ward oversees it (code, kind,
    ownership, parent, ward, active)."""
    scope = scope_for(by, Organization, "change")
    org = (
        Organization.objects.visible_to(by, "change")
        .select_for_update(of=("self",))
        .filter(pk=organization.pk)
        .first()
    )
    if org is None:
        raise PermissionDenied
    old = {**audit.snapshot(org), **_facility_snapshot(getattr(org, "facility", None))}
    for name, value in data.items():
        if name not in ORGANIZATION_FIELDS:
            raise ValueError(f"Unknown organisation field: {name}")
        current = getattr(org, name)
        if name in RESTRICTED_FIELDS and not scope.everything and current != value:
            raise PermissionDenied
        setattr(org, name, value)
    org.full_clean()
    org.save()
    profile = _apply_facility(org, facility)
    new = {**audit.snapshot(org), **_facility_snapshot(profile)}
    old_changed, new_changed = audit.diff(old, new)
    new_changed.pop("updated_at", None)
    old_changed.pop("updated_at", None)
    if new_changed:
        audit.record(
            actor=by,
            action="organization.update",
            obj=org,
            organization=org,
            old=old_changed,
            new=new_changed,
        )
    return org
