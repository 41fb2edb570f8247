"""Reads shared by the workforce pages, exports and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import ranked_search, terms
from ctxh.geo.models import Ward
from ctxh.organizations.models import FACILITY_KINDS, SECTOR_OF_KIND, Kind, Organization, Sector

from .cccd import cccd_in_query
from .models import (
    Certificate,
    EducationLevel,
    Employment,
    FieldInstructor,
    Person,
    ProfessionalTitle,
    StaffType,
    WorkforceTarget,
)


def person_list(*, user, query: str | None = None):
    """People the user may see, with what the list shows loaded in the same query.

    The list reads the denormalised ``current_organization`` (never the employment
    history), so its cost does not depend on how often people moved. A page of it is
    read with ``PersonQuerySet.page`` (two steps: the ids, then the rows).
    """
    qs = (
        Person.objects.visible_to(user, "view")
        .select_related("current_organization", "current_organization__ward", "field_instructor")
        .order_by("sort_key", "id")
    )
    return person_search(qs, user=user, query=query)


def person_search(queryset, *, user, query: str | None):
    """``queryset`` narrowed to the people matching ``query``, best matches first (see
    :func:`ctxh.core.searchtext.ranked_search`); unchanged without a query.

    The citizen ID is not in ``search_text``, so no part of it is ever matched inside. A
    query that spells a whole ID (12 digits once normalised, separators allowed) also finds
    that person by exact lookup — only among the people ``user`` may see IDs of
    (``view_sensitive``); for anyone else it is just text, and matches no ID.
    """
    cccd = cccd_in_query(query)
    also = None
    if cccd is not None:
        sensitive = scope_for(user, Person, "view_sensitive")
        if not sensitive.empty:
            also = Q(cccd=cccd)
            if not sensitive.everything:
                also &= sensitive.q(Person)
    if not terms(query) and also is None:
        return queryset
    order = [term for term in queryset.query.order_by if isinstance(term, str)]
    return ranked_search(
        queryset, query, order=tuple(order) or ("sort_key", "id"), also=also
    ).scan_for_order()


def person_records(*, user, person: Person) -> dict:
    """What the person page shows of a person's records: only the employments,
    certificates and field-instructor status ``user`` may see (one query each, however
    many there are)."""
    return {
        "employments": list(
            Employment.objects.visible_to(user, "view")
            .filter(person=person)
            .select_related("organization", "organization__ward")
        ),
        "certificates": list(Certificate.objects.visible_to(user, "view").filter(person=person)),
        "instructor": FieldInstructor.objects.visible_to(user, "view")
        .filter(person=person)
        .first(),
    }


def kinds_of_sector(sector: str) -> list[str]:
    return [kind for kind, s in SECTOR_OF_KIND.items() if s == sector]


def social_work_staff(people=None):
    """Who counts as "social-work staff" for the Decision 112 shares: staff members
    (not collaborators) of the registry (or of ``people``)."""
    return (Person.objects.all() if people is None else people).filter(staff_type=StaffType.STAFF)


@dataclass
class Row:
    label: str
    count: int
    share: float  # percent of the total


def _rows(counts: dict, labels: list[tuple[str, str]], total: int) -> list[Row]:
    return [
        Row(str(label), counts.get(key, 0), 100 * counts.get(key, 0) / total if total else 0.0)
        for key, label in labels
    ]


@dataclass
class Coverage:
    """How many units of a kind have at least one social-work staff member, and targets."""

    indicator: str
    label: str
    covered: int
    total: int
    targets: list[WorkforceTarget]

    @property
    def percent(self) -> float:
        return 100 * self.covered / self.total if self.total else 0.0

    def status(self) -> list[tuple[WorkforceTarget, bool]]:
        return [(t, Decimal(str(round(self.percent, 2))) >= t.percent) for t in self.targets]


def _coverage(indicator: str, covered: int, total: int, targets) -> Coverage:
    return Coverage(
        indicator=indicator,
        label=str(WorkforceTarget.Indicator(indicator).label),
        covered=covered,
        total=total,
        targets=[t for t in targets if t.indicator == indicator],
    )


def decision_112_coverage(*, user, people=None) -> list[Coverage]:
    """The shares of wards and facilities with at least one social-work staff member, over
    the people and organisations ``user`` may count, with the Decision 112 targets."""
    if people is None:
        people = Person.objects.visible_to(user, "statistics")
    staff_here = social_work_staff(people).filter(current_organization=OuterRef("pk"))
    organizations = Organization.objects.visible_to(user, "view")
    ward_offices = organizations.filter(kind=Kind.WARD_OFFICE, active=True)
    covered_wards = (
        ward_offices.filter(Exists(staff_here), ward__isnull=False)
        .values("ward")
        .distinct()
        .count()
    )
    ward_total = Ward.objects.filter(province_id=settings.CTXH_PROVINCE).count()
    facilities = organizations.filter(kind__in=FACILITY_KINDS, active=True)
    covered_facilities = facilities.filter(Exists(staff_here)).count()
    targets = list(WorkforceTarget.objects.order_by("indicator", "year"))
    return [
        _coverage(WorkforceTarget.Indicator.WARDS_WITH_STAFF, covered_wards, ward_total, targets),
        _coverage(
            WorkforceTarget.Indicator.FACILITIES_WITH_STAFF,
            covered_facilities,
            facilities.count(),
            targets,
        ),
    ]


def workforce_statistics(*, user) -> dict:
    """The figures of the statistics page over the people and organisations ``user`` may
    count (the whole city for the programme office and the auditor); a handful of
    grouped queries."""
    people = Person.objects.visible_to(user, "statistics")
    total = people.count()
    by_kind = dict(
        people.filter(current_organization__isnull=False)
        .values_list("current_organization__kind")
        .annotate(n=Count("id"))
        .values_list("current_organization__kind", "n")
    )
    by_sector: dict[str, int] = {}
    for kind, n in by_kind.items():
        sector = SECTOR_OF_KIND[Kind(kind)]
        by_sector[sector] = by_sector.get(sector, 0) + n
    without_org = total - sum(by_kind.values())

    def grouped(field: str) -> dict:
        return dict(people.values_list(field).annotate(n=Count("id")).values_list(field, "n"))

    by_title = grouped("professional_title")
    by_education = grouped("education_level")
    by_staff_type = grouped("staff_type")
    # Most staffed first; wards with as many in Vietnamese alphabetical order (sort_key).
    by_ward = list(
        people.filter(current_organization__ward__isnull=False)
        .values(
            "current_organization__ward_id",
            "current_organization__ward__name",
            "current_organization__ward__sort_key",
        )
        .annotate(n=Count("id"))
        .order_by("-n", "current_organization__ward__sort_key", "current_organization__ward_id")
    )

    coverage = decision_112_coverage(user=user, people=people)
    return {
        "total": total,
        "without_organization": without_org,
        "by_sector": _rows(by_sector, Sector.choices, total),
        "by_title": _rows(
            by_title,
            [(k, v) for k, v in ProfessionalTitle.choices],
            total,
        ),
        "by_education": _rows(by_education, [*EducationLevel.choices, ("", "—")], total),
        "by_staff_type": _rows(by_staff_type, StaffType.choices, total),
        "by_ward": [
            Row(r["current_organization__ward__name"], r["n"], 100 * r["n"] / total)
            for r in by_ward
        ],
        "coverage": coverage,
    }
