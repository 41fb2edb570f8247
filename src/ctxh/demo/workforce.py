"""The demo workforce: about 6,500 people over the five sectors of DOMAIN.md.

Facilities under the department and the Youth Volunteer Force 3,000; ward offices 1,050
("over 1,000"); other departments 1,000; associations and unions 520 ("over 500");
non-public facilities and NGOs 950 ("nearly 1,000"); about 300 field instructors in the
facilities. Deterministic (one seeded generator), idempotent (people are keyed by their
citizen ID; a second run creates nothing and writes no audit event) and fast: the people
go through the one bulk path of the workforce (``bulk.people_import``, the Excel import's
too), which validates every row, writes in batches and records ONE audit event
summarising the load rather than one per person.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from ctxh.core.scoping import SYSTEM
from ctxh.organizations.models import FACILITY_KINDS, SECTOR_OF_KIND, Kind, Organization, Sector
from ctxh.workforce.bulk import PersonChange, people_import
from ctxh.workforce.cccd import compose_cccd
from ctxh.workforce.models import (
    Certificate,
    CertificateKind,
    EducationLevel,
    FieldInstructor,
    Gender,
    Major,
    Person,
    ProfessionalTitle,
    StaffType,
)

SEED = 2021
PEOPLE_BY_SECTOR = {
    Sector.FACILITIES: 3000,
    Sector.WARDS: 1050,
    Sector.DEPARTMENTS: 1000,
    Sector.ASSOCIATIONS: 520,
    Sector.NON_PUBLIC: 950,
}
FIELD_INSTRUCTORS = 300
#: Share of ward offices and of non-public facilities that have a staff member (the rest
#: rely on collaborators only), so the Decision 112 shares are neither 0 % nor 100 %.
WARD_COVERAGE = 0.78
PRIVATE_FACILITY_COVERAGE = 0.7

FAMILY = (
    ["Nguyễn"] * 12
    + ["Trần"] * 4
    + ["Lê"] * 3
    + ["Phạm", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
    + ["Dương", "Lý", "Trương", "Đinh", "Lâm", "Mai", "Tạ", "Châu"]
)
MIDDLE = {
    Gender.FEMALE: ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng", "Bích"],
    Gender.MALE: ["Văn", "Văn", "Minh", "Hữu", "Đức", "Quốc", "Thanh", "Công", "Hoàng", "Tấn"],
}
GIVEN = {
    Gender.FEMALE: [
        "An",
        "Anh",
        "Ánh",
        "Bích",
        "Châu",
        "Chi",
        "Cúc",
        "Dung",
        "Duyên",
        "Giang",
        "Hà",
        "Hạnh",
        "Hằng",
        "Hiền",
        "Hoa",
        "Hồng",
        "Huệ",
        "Hương",
        "Lan",
        "Liên",
        "Linh",
        "Loan",
        "Mai",
        "My",
        "Nga",
        "Ngân",
        "Nhung",
        "Oanh",
        "Phương",
        "Quyên",
        "Tâm",
        "Thảo",
        "Thu",
        "Thủy",
        "Trang",
        "Trâm",
        "Tuyết",
        "Uyên",
        "Vân",
        "Vy",
        "Xuân",
        "Yến",
    ],
    Gender.MALE: [
        "An",
        "Bảo",
        "Bình",
        "Cường",
        "Dũng",
        "Đạt",
        "Đông",
        "Đức",
        "Duy",
        "Hải",
        "Hậu",
        "Hiếu",
        "Hòa",
        "Hùng",
        "Huy",
        "Khang",
        "Khánh",
        "Khoa",
        "Kiên",
        "Lâm",
        "Long",
        "Lộc",
        "Minh",
        "Nam",
        "Nghĩa",
        "Nhân",
        "Phong",
        "Phúc",
        "Quân",
        "Quang",
        "Sơn",
        "Tài",
        "Tâm",
        "Thắng",
        "Thành",
        "Thiện",
        "Tín",
        "Toàn",
        "Trí",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
    ],
}
POSITIONS = {
    Sector.FACILITIES: ["Nhân viên công tác xã hội", "Chuyên viên tư vấn", "Nhân viên chăm sóc"],
    Sector.WARDS: ["Công chức văn hóa - xã hội", "Cộng tác viên công tác xã hội"],
    Sector.DEPARTMENTS: ["Chuyên viên", "Nhân viên công tác xã hội trường học", "Chuyên viên"],
    Sector.ASSOCIATIONS: ["Cán bộ hội", "Cán bộ đoàn", "Tình nguyện viên"],
    Sector.NON_PUBLIC: ["Nhân viên công tác xã hội", "Điều phối dự án", "Nhân viên chăm sóc"],
}
OTHER_MAJORS = ["Xã hội học", "Tâm lý học", "Giáo dục đặc biệt", "Luật", "Điều dưỡng"]
#: Provinces of birth registration: mostly HCMC (079), then the neighbours and the north.
PROVINCES = [79] * 17 + [75, 74, 72, 80, 82, 83, 86, 89, 1, 38, 40, 51, 52]
CONSENT_AT = timezone.make_aware(dt.datetime(2026, 1, 5, 8, 0))


def _organizations_by_sector() -> dict[str, list[Organization]]:
    by_sector: dict[str, list[Organization]] = {s: [] for s in PEOPLE_BY_SECTOR}
    skip = {Kind.SCHOOL}  # schools' staff are teachers, not the programme's workforce
    for org in Organization.objects.filter(active=True).exclude(kind__in=skip).order_by("code"):
        by_sector[SECTOR_OF_KIND[Kind(org.kind)]].append(org)
    return by_sector


def _education(rng: random.Random, staff: bool) -> str:
    levels = [
        (EducationLevel.UPPER_SECONDARY, 4 if staff else 30),
        (EducationLevel.INTERMEDIATE, 10 if staff else 25),
        (EducationLevel.COLLEGE, 14 if staff else 15),
        (EducationLevel.BACHELOR, 60 if staff else 28),
        (EducationLevel.MASTER, 11 if staff else 2),
        (EducationLevel.DOCTORATE, 1 if staff else 0),
    ]
    return rng.choices([lv for lv, _ in levels], weights=[w for _, w in levels])[0]


def _title(rng: random.Random, staff: bool, education: str) -> str:
    if not staff:
        return ProfessionalTitle.NONE
    if education in {EducationLevel.BACHELOR, EducationLevel.MASTER, EducationLevel.DOCTORATE}:
        return rng.choices(
            [ProfessionalTitle.NONE, ProfessionalTitle.GRADE_III, ProfessionalTitle.GRADE_II],
            weights=[55, 40, 5],
        )[0]
    if education in {EducationLevel.COLLEGE, EducationLevel.INTERMEDIATE}:
        return rng.choice([ProfessionalTitle.NONE, ProfessionalTitle.GRADE_IV])
    return ProfessionalTitle.NONE


def _plan(rng: random.Random, by_sector) -> list[tuple[Organization, bool]]:
    """(organisation, may have staff) for every person to create, sector by sector."""
    plan: list[tuple[Organization, bool]] = []
    for sector, total in PEOPLE_BY_SECTOR.items():
        orgs = by_sector[sector]
        if not orgs:
            continue
        weights = []
        for org in orgs:
            if org.kind == Kind.YOUTH_VOLUNTEER:
                weights.append(40.0)
            elif org.kind in {Kind.PUBLIC_FACILITY, Kind.REHAB_FACILITY}:
                weights.append(rng.uniform(5, 15))
            else:
                weights.append(rng.uniform(1, 3))
        covered = {
            org.pk: not (
                (org.kind == Kind.WARD_OFFICE and rng.random() > WARD_COVERAGE)
                or (org.kind == Kind.PRIVATE_FACILITY and rng.random() > PRIVATE_FACILITY_COVERAGE)
            )
            for org in orgs
        }
        # Every organisation gets at least one person, then the rest by weight.
        chosen = list(orgs) + rng.choices(orgs, weights=weights, k=max(0, total - len(orgs)))
        plan.extend((org, covered[org.pk]) for org in chosen[:total])
    return plan


def build_rows(seed: int = SEED) -> list[PersonChange]:
    """The demo people, always the same for the same seed and organisations."""
    rng = random.Random(seed)
    by_sector = _organizations_by_sector()
    rows: list[PersonChange] = []
    seen_first_staff: set[int] = set()
    for index, (org, covered) in enumerate(_plan(rng, by_sector)):
        sector = SECTOR_OF_KIND[Kind(org.kind)]
        gender = Gender.FEMALE if rng.random() < 0.68 else Gender.MALE
        birth = dt.date(rng.randint(1966, 2003), rng.randint(1, 12), rng.randint(1, 28))
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"
        if not covered:
            staff = False
        elif org.pk not in seen_first_staff:
            staff = True  # a covered organisation has at least one staff member
        else:
            collaborator_share = 0.6 if sector == Sector.WARDS else 0.2
            staff = rng.random() > collaborator_share
        if staff:
            seen_first_staff.add(org.pk)
        education = _education(rng, staff)
        social_work = rng.random() < (0.55 if staff else 0.2)
        title = _title(rng, staff, education)
        start = dt.date(rng.randint(max(birth.year + 20, 2000), 2025), rng.randint(1, 12), 1)
        person = Person(
            full_name=name,
            gender=gender,
            date_of_birth=birth,
            cccd=compose_cccd(
                province=rng.choice(PROVINCES),
                gender=gender,
                birth_year=birth.year,
                serial=100_000 + index,
            ),
            phone=f"09{rng.randint(0, 99_999_999):08d}",
            email=f"ctxh.{index:05d}@demo.ctxh.vn" if rng.random() < 0.6 else "",
            education_level=education,
            major=Major.SOCIAL_WORK if social_work else Major.OTHER,
            major_detail="" if social_work else rng.choice(OTHER_MAJORS),
            professional_title=title,
            staff_type=StaffType.STAFF if staff else StaffType.COLLABORATOR,
            consent_at=CONSENT_AT if rng.random() < 0.92 else None,
        )
        certificates = []
        if rng.random() < (0.6 if staff else 0.35):
            certificates.append(
                Certificate(
                    kind=CertificateKind.SOCIAL_WORK_TRAINING,
                    number=f"CTXH-{rng.randint(2015, 2025)}-{index:05d}",
                    issuer="Sở Lao động - Thương binh và Xã hội TP.HCM",
                    issued_on=dt.date(rng.randint(2015, 2025), rng.randint(1, 12), 15),
                )
            )
        if title:
            certificates.append(
                Certificate(
                    kind=CertificateKind.PROFESSIONAL_TITLE,
                    number=f"CDNN-{index:05d}",
                    issuer="Trường Đại học Lao động - Xã hội (Cơ sở II)",
                    issued_on=dt.date(rng.randint(2020, 2025), rng.randint(1, 12), 1),
                )
            )
        rows.append(
            PersonChange(
                person=person,
                organization=org,
                employ=True,
                position=rng.choice(POSITIONS[sector]),
                start_date=start,
                certificates=certificates,
            )
        )
    _name_field_instructors(rng, rows)
    _demo_account_instructors(rows)
    return rows


def _name_field_instructors(rng: random.Random, rows: list[PersonChange]) -> None:
    """About 300 field instructors among the graduate staff of the facilities."""
    eligible = [
        row
        for row in rows
        if row.person.staff_type == StaffType.STAFF
        and row.organization.kind in FACILITY_KINDS
        and row.person.education_level in {EducationLevel.BACHELOR, EducationLevel.MASTER}
    ]
    for index, row in enumerate(rng.sample(eligible, k=min(FIELD_INSTRUCTORS, len(eligible)))):
        since = dt.date(rng.randint(max(row.start_date.year, 2015), 2025), 9, 1)
        row.instructor = FieldInstructor(
            trained_in_supervision=rng.random() < 0.8,
            since=since,
            max_students=rng.choice([2, 3, 3, 4, 5]),
        )
        if row.instructor.trained_in_supervision:
            row.certificates.append(
                Certificate(
                    kind=CertificateKind.SUPERVISION_TRAINING,
                    number=f"KH-{index:05d}",
                    issuer="Trường Đại học Khoa học Xã hội và Nhân văn, ĐHQG-HCM",
                    issued_on=since - dt.timedelta(days=60),
                )
            )


#: The registry's persons behind the demo field-instructor accounts (loader.accounts()):
#: (facility code, full name, gender, e-mail). The practicum demo finds them by e-mail.
ACCOUNT_INSTRUCTORS = (
    ("CS-001", "Đặng Thị Lan", Gender.FEMALE, "instructor1@demo.ctxh.vn"),
    ("CS-030", "Bùi Văn Nam", Gender.MALE, "instructor2@demo.ctxh.vn"),
)


def _demo_account_instructors(rows: list[PersonChange]) -> None:
    """Make the demo accounts' field instructors persons of the registry: a field
    instructor of the account's facility of the same gender takes the account's name and
    e-mail; a facility without one receives a field instructor of another non-public
    facility that has several (same sector, so every count stays the same). No random
    draw, so every other figure stays as before."""
    for code, name, gender, email in ACCOUNT_INSTRUCTORS:
        if any(row.person.email == email for row in rows):
            continue
        at_facility = [
            row
            for row in rows
            if row.organization.code == code
            and row.instructor is not None
            and row.person.gender == gender
        ]
        if at_facility:
            row = at_facility[0]
        else:
            target = next((row.organization for row in rows if row.organization.code == code), None)
            if target is None:
                continue
            per_org: dict[int, int] = {}
            for other in rows:
                if other.instructor is not None:
                    per_org[other.organization.pk] = per_org.get(other.organization.pk, 0) + 1
            donors = [
                other
                for other in rows
                if other.instructor is not None
                and other.person.gender == gender
                and other.organization.kind == target.kind
                and other.organization.pk != target.pk
                and per_org[other.organization.pk] > 1
            ]
            if not donors:
                continue
            row = donors[0]
            row.organization = target
        row.person.full_name = name
        row.person.email = email


def load_workforce(*, seed: int = SEED) -> int:
    """Create the demo people not yet present (keyed by citizen ID); return how many."""
    rows = build_rows(seed)
    existing = set(
        Person.objects.filter(cccd__isnull=False).values_list("cccd", flat=True).iterator()
    )
    missing = [row for row in rows if row.person.cccd not in existing]
    if not missing:
        return 0
    return people_import(by=SYSTEM, changes=missing, label="Nhân lực mẫu (demo)")["people_created"]
