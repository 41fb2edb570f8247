"""The demo practice network and what its facilities offer in a period.

The network is every facility with field instructors in the workforce registry (about 60,
with the registry's 300 instructors). In each period every facility names all its
instructors (capacity up to each one's registry maximum) and offers seats for two or three
of the practice types and levels the schools' rounds need, so that the seats of each kind
run about 15 % above the students who need them. Written in bulk (one query per table).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from ctxh.organizations.models import FACILITY_KINDS, Kind, Organization, TargetGroup
from ctxh.practicum.models import (
    Offer,
    PeriodInstructor,
    PlacementPeriod,
    PracticeSite,
    SchoolQuota,
)
from ctxh.workforce.models import FieldInstructor

from .plan import FACILITY_ACCOUNTS, MASTER, OFFER_NOTES, U3, U4

FEMALE_ONLY_SITES = 3
KHMER = "Khmer"


@dataclass
class Network:
    """The sites by facility id, with each facility's registry instructors."""

    facilities: list[Organization]
    sites: dict[int, PracticeSite]
    instructors: dict[int, list[FieldInstructor]]


@dataclass
class PeriodOffers:
    offers: list[Offer]
    period_instructors: dict[int, list[PeriodInstructor]]  # by facility id
    offer_instructors: dict[int, list[PeriodInstructor]] = field(default_factory=dict)
    quotas: list[SchoolQuota] = field(default_factory=list)


def _coordinate(value: Decimal | None, low: float, high: float, rng: random.Random) -> Decimal:
    number = float(value) if value is not None else low + rng.random() * (high - low)
    return Decimal(f"{number:.5f}")


def load_network(*, rng: random.Random, by) -> Network:
    """Create the practice sites of every facility that has registry field instructors."""
    instructors: dict[int, list[FieldInstructor]] = defaultdict(list)
    for fi in (
        FieldInstructor.objects.filter(
            active=True, person__current_organization__kind__in=FACILITY_KINDS
        )
        .select_related("person")
        .order_by("person_id")
    ):
        instructors[fi.person.current_organization_id].append(fi)
    facilities = list(
        Organization.objects.filter(pk__in=instructors, active=True)
        .select_related("facility")
        .prefetch_related("facility__target_groups")
        .order_by("code")
    )
    groups = {g.code: g for g in TargetGroup.objects.all()}
    private = [f for f in facilities if f.kind == Kind.PRIVATE_FACILITY]
    shelters = [
        f
        for f in sorted(private, key=lambda f: (not f.name.startswith("Mái ấm"), f.code))
        if f.code not in FACILITY_ACCOUNTS
    ]
    female_only = {f.pk for f in shelters[:FEMALE_ONLY_SITES]}
    khmer = next(
        (f.pk for f in reversed(private) if f.pk not in female_only and f.code != "CS-001"),
        None,
    )
    sites, memberships = [], []
    for facility in facilities:
        profile = getattr(facility, "facility", None)
        facility_groups = list(profile.target_groups.all()) if profile else []
        codes = {g.code for g in facility_groups}
        site = PracticeSite(
            facility=facility,
            address=facility.address,
            latitude=_coordinate(profile and profile.latitude, 10.70, 10.90, rng),
            longitude=_coordinate(profile and profile.longitude, 106.60, 106.80, rng),
            contact_name=instructors[facility.pk][0].person.full_name,
            contact_phone=facility.phone,
            contact_email=f"thuctap.{facility.code.lower()}@demo.ctxh.vn",
            vaccination_required="elderly" in codes,
            updated_by=None,
        )
        notes = []
        if site.vaccination_required:
            notes.append("Sinh viên cần tiêm đủ vắc xin cúm mùa và COVID-19 (nộp giấy xác nhận).")
        if facility.pk in female_only:
            site.gender_requirement = "female"
            notes.append(
                "Nơi tạm lánh cho phụ nữ và trẻ em gái bị bạo lực: chỉ tiếp nhận sinh viên nữ."
            )
            if "violence_victims" in groups:  # a reference list a test database may lack
                facility_groups.append(groups["violence_victims"])
        if facility.pk == khmer:
            site.language_required = KHMER
            notes.append(
                "Nhiều người được chăm sóc là đồng bào Khmer: cần sinh viên nói tiếng Khmer."
            )
        if facility.kind == Kind.REHAB_FACILITY:
            notes.append(
                "Tuân thủ nội quy an ninh của cơ sở; không mang điện thoại vào khu học viên."
            )
        site.requirements = "\n".join(notes)
        sites.append(site)
        memberships.extend((site, g) for g in facility_groups)
    PracticeSite.objects.bulk_create(sites)
    through = PracticeSite.target_groups.through
    through.objects.bulk_create(
        [through(practicesite_id=site.pk, targetgroup_id=g.pk) for site, g in memberships]
    )
    return Network(facilities, {s.facility_id: s for s in sites}, dict(instructors))


def _allowed(rng: random.Random, facility, n_instructors: int, combos: list, demand: dict):
    """The practice types and levels one facility offers in a period."""
    plain = [c for c in combos if c[1] != MASTER]
    masters = [c for c in combos if c[1] == MASTER]
    k = min(len(plain), 2 if n_instructors < 4 else 3)
    chosen: list = []
    while len(chosen) < k:
        pick = rng.choices(plain, weights=[demand[c] for c in plain])[0]
        if pick not in chosen:
            chosen.append(pick)
    if masters and facility.kind == Kind.PUBLIC_FACILITY and n_instructors >= 7:
        chosen.append(masters[0])
    return chosen


def _fit(budgets: list[float], allowed: list[list], targets: dict) -> list[dict]:
    """Seats per facility and kind: rows sum to the budgets, columns near the targets
    (iterative proportional fitting over the allowed cells)."""
    cells = [{c: b / len(a) for c in a} for b, a in zip(budgets, allowed)]
    for _ in range(40):
        totals: dict = defaultdict(float)
        for row in cells:
            for c, v in row.items():
                totals[c] += v
        for row in cells:
            for c in row:
                row[c] *= targets[c] / totals[c]
        for row, budget in zip(cells, budgets):
            total = sum(row.values())
            for c in row:
                row[c] *= budget / total
    return cells


def _round(total: int, shares: list[float]) -> list[int]:
    """``total`` split in proportion to ``shares`` by largest remainder (Hamilton)."""
    whole = sum(shares)
    exact = [total * share / whole for share in shares]
    parts = [int(x) for x in exact]
    order = sorted(range(len(shares)), key=lambda i: (parts[i] - exact[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def load_offers(
    *,
    rng: random.Random,
    network: Network,
    period: PlacementPeriod,
    demand: dict,
    seats: int,
    forced: dict[str, list],
    published_at: dt.datetime,
    published_by: dict[int, object],
    schools: list[Organization],
    drafts: int = 0,
) -> PeriodOffers:
    """One period's instructors, offers (seats ≈ ``seats`` over the kinds in ``demand``)
    and a few school quotas. ``forced`` fixes the kinds of some facilities (by code)."""
    combos = sorted(demand)
    capacity: dict[int, list[PeriodInstructor]] = {}
    for facility in network.facilities:
        capacity[facility.pk] = [
            PeriodInstructor(
                period=period,
                facility=facility,
                instructor=fi,
                capacity=max(1, fi.max_students - (rng.random() < 0.2)),
            )
            for fi in network.instructors[facility.pk]
        ]
    PeriodInstructor.objects.bulk_create([pi for pis in capacity.values() for pi in pis])
    total_capacity = sum(pi.capacity for pis in capacity.values() for pi in pis)
    budgets = [
        sum(pi.capacity for pi in capacity[f.pk]) * seats / total_capacity * rng.uniform(0.85, 1.15)
        for f in network.facilities
    ]
    budgets = [b * seats / sum(budgets) for b in budgets]
    allowed = [
        forced.get(f.code) or _allowed(rng, f, len(network.instructors[f.pk]), combos, demand)
        for f in network.facilities
    ]
    total_demand = sum(demand.values())
    targets = {c: demand[c] * seats / total_demand for c in combos}
    cells = _fit(budgets, allowed, targets)
    offers: list[Offer] = []
    by_facility: dict[int, list[Offer]] = defaultdict(list)
    for facility, budget, row in zip(network.facilities, budgets, cells):
        kinds = sorted(row)
        split = _round(max(len(kinds), round(budget)), [row[c] for c in kinds])
        for (practice_type, level), n in zip(kinds, split):
            if n < 1:
                continue
            offer = Offer(
                period=period,
                facility=facility,
                practice_type=practice_type,
                level=level,
                seats=n,
                notes=rng.choice(OFFER_NOTES),
                status=Offer.Status.PUBLISHED,
                published_at=published_at - dt.timedelta(hours=rng.randint(0, 240)),
                published_by=published_by.get(facility.pk) or published_by.get(0),
            )
            offers.append(offer)
            by_facility[facility.pk].append(offer)
    candidates = [o for o in offers if o.facility.code not in FACILITY_ACCOUNTS]
    for offer in rng.sample(candidates, k=min(drafts, len(candidates))):
        offer.status, offer.published_at, offer.published_by = Offer.Status.DRAFT, None, None
    Offer.objects.bulk_create(offers)

    # Each instructor takes the students of one or two of the facility's offers; every
    # offer has at least one; the demo account's instructor takes all of its facility's.
    through = Offer.instructors.through
    links, offer_instructors = [], defaultdict(list)
    for facility in network.facilities:
        own = by_facility.get(facility.pk, [])
        if not own:
            continue
        account_email = FACILITY_ACCOUNTS.get(facility.code, ("", ""))[1]
        for i, pi in enumerate(capacity[facility.pk]):
            if pi.instructor.person.email == account_email or len(own) == 1:
                chosen = own
            else:
                chosen = [own[i % len(own)]]
                if rng.random() < 0.4:
                    chosen.append(rng.choice(own))
            for offer in dict.fromkeys(chosen):
                links.append(through(offer_id=offer.pk, periodinstructor_id=pi.pk))
                offer_instructors[offer.pk].append(pi)
        staff = capacity[facility.pk]
        for j, offer in enumerate(o for o in own if not offer_instructors[o.pk]):
            pi = staff[j % len(staff)]  # more offers than instructors: one takes two
            links.append(through(offer_id=offer.pk, periodinstructor_id=pi.pk))
            offer_instructors[offer.pk].append(pi)
    through.objects.bulk_create(links)

    # A few popular offers cap how many seats one school may take.
    quotas = []
    big = sorted(
        (o for o in offers if o.status == Offer.Status.PUBLISHED and o.level in {U3, U4}),
        key=lambda o: (-o.seats, o.pk),
    )[:4]
    for offer in big:
        for school in rng.sample(schools, k=2):
            quotas.append(SchoolQuota(offer=offer, school=school, seats=max(1, offer.seats // 3)))
    SchoolQuota.objects.bulk_create(quotas)
    return PeriodOffers(offers, capacity, dict(offer_instructors), quotas)


def site_kinds(network: Network, offers: list[Offer]) -> None:
    """Each site accepts the practice types and levels it offered in the periods."""
    kinds: dict[int, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for offer in offers:
        types, levels = kinds[offer.facility_id]
        types.add(offer.practice_type)
        levels.add(offer.level)
    for facility_id, site in network.sites.items():
        types, levels = kinds[facility_id]
        site.practice_types, site.levels = sorted(types), sorted(levels)
    PracticeSite.objects.bulk_update(network.sites.values(), ["practice_types", "levels"])
