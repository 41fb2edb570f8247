"""The public facts of the facilities that provide social-work services: name, kind,
address and ward, the organisation's public contact (phone, e-mail, website), capacity,
services and target groups, coordinates. Never the head's name, the staff, the residents or
their figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from ctxh.core.searchtext import ranked_search
from ctxh.geo.models import Ward
from ctxh.organizations.models import FacilityProfile, Organization, ServiceType, TargetGroup


@dataclass(frozen=True)
class PublicFacility:
    """What the public portal may show of a facility."""

    pk: int
    name: str
    kind_label: str
    ownership_label: str
    address: str
    ward: str
    phone: str
    email: str
    website: str
    capacity: int
    services: tuple[str, ...]
    target_groups: tuple[str, ...]
    lat: float | None
    lng: float | None

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lng is not None


@dataclass(frozen=True)
class FacilityFilters:
    """The directory's filters: a search (accent-insensitive), a ward, a target group and a
    service (codes; the ward's is its number)."""

    q: str = ""
    ward: str = ""
    group: str = ""
    service: str = ""


def _providing() -> QuerySet:
    return Organization.objects.facilities().filter(
        active=True, facility__provides_social_work_services=True
    )


def _public(org: Organization) -> PublicFacility:
    profile = org.facility
    return PublicFacility(
        pk=org.pk,
        name=org.name,
        kind_label=str(org.get_kind_display()),
        ownership_label=str(org.get_ownership_display()),
        address=org.address,
        ward=org.ward.name if org.ward_id else "",
        phone=org.phone,
        email=org.email,
        website=org.website,
        capacity=profile.capacity,
        services=tuple(s.name for s in profile.services.all()),
        target_groups=tuple(g.name for g in profile.target_groups.all()),
        lat=float(profile.latitude) if profile.latitude is not None else None,
        lng=float(profile.longitude) if profile.longitude is not None else None,
    )


def _loaded(qs: QuerySet) -> QuerySet:
    return qs.select_related("ward", "facility").prefetch_related(
        Prefetch("facility__services", queryset=ServiceType.objects.order_by("order", "code")),
        Prefetch("facility__target_groups", queryset=TargetGroup.objects.order_by("order", "code")),
    )


def public_facilities(filters: FacilityFilters = FacilityFilters()) -> list[PublicFacility]:
    """The active facilities that provide social-work services, narrowed by ``filters``
    (best search matches first, else in Vietnamese name order); three queries."""
    qs = _providing()
    if filters.ward:
        qs = qs.filter(ward_id=filters.ward)
    # Subqueries rather than joins: no duplicate rows, no DISTINCT beside the search rank.
    if filters.group:
        profiles = FacilityProfile.objects.filter(target_groups__code=filters.group)
        qs = qs.filter(pk__in=profiles.values("organization_id"))
    if filters.service:
        profiles = FacilityProfile.objects.filter(services__code=filters.service)
        qs = qs.filter(pk__in=profiles.values("organization_id"))
    qs = ranked_search(qs, filters.q, order=("sort_key", "id"))
    return [_public(org) for org in _loaded(qs)]


def public_facility(pk: int) -> PublicFacility | None:
    """One facility's public facts (None: unknown, inactive, or no social-work services)."""
    org = _loaded(_providing().filter(pk=pk)).first()
    return _public(org) if org is not None else None


@dataclass(frozen=True)
class FacilityChoices:
    """The options of the directory's filters: (code, name) pairs."""

    wards: tuple[tuple[str, str], ...]
    groups: tuple[tuple[str, str], ...]
    services: tuple[tuple[str, str], ...]


def facility_choices() -> FacilityChoices:
    """The wards that have a listed facility, every target group and service; three
    queries."""
    wards = Ward.objects.filter(pk__in=_providing().values("ward")).order_by("sort_key", "code")
    return FacilityChoices(
        wards=tuple((str(w.code), w.name) for w in wards),
        groups=tuple((g.code, g.name) for g in TargetGroup.objects.order_by("order", "code")),
        services=tuple((s.code, s.name) for s in ServiceType.objects.order_by("order", "code")),
    )
