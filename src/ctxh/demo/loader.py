"""Loads the demo city idempotently, through the same services the pages use.

A second run finds everything in place and writes nothing (no audit events either).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from ctxh.accounts import services as account_services
from ctxh.accounts.models import User
from ctxh.accounts.roles import Role
from ctxh.core.scoping import SYSTEM
from ctxh.geo.models import Ward
from ctxh.geo.services import load_units
from ctxh.organizations import services as org_services
from ctxh.organizations.models import Kind, Organization, Ownership, ServiceType, TargetGroup

from . import cooperation as cooperation_data
from . import network
from . import organizations as data
from . import practicum as practicum_data
from . import training as training_data
from . import workforce as workforce_data
from .monitoring import load_monitoring

DEFAULT_PASSWORD = "ctxh-demo-2026"


@dataclass
class DemoAccount:
    username: str
    full_name: str
    role: str
    org_code: str


@dataclass
class DemoReport:
    organizations_created: int = 0
    organizations_updated: int = 0
    users_created: int = 0
    people_created: int = 0
    #: What the practicum's demo loaded (None: it was loaded before, nothing changed).
    practicum: dict[str, int] | None = None
    accounts: list[tuple[DemoAccount, Organization]] = field(default_factory=list)


def _upsert(code: str, values: dict, facility: dict | None, report: DemoReport) -> Organization:
    """Create or bring up to date one organisation through the services."""
    existing = Organization.objects.select_related("facility").filter(code=code).first()
    facility_data = None
    if facility is not None:
        facility_data = dict(facility)
        facility_data["target_groups"] = list(
            TargetGroup.objects.filter(code__in=facility["target_groups"])
        )
        facility_data["services"] = list(ServiceType.objects.filter(code__in=facility["services"]))
    if existing is None:
        report.organizations_created += 1
        return org_services.organization_create(
            by=SYSTEM, data={"code": code, **values}, facility=facility_data
        )
    changed = any(getattr(existing, k) != v for k, v in values.items())
    if facility is not None and not changed:
        profile = getattr(existing, "facility", None)
        changed = (
            profile is None
            or any(
                getattr(profile, k) != v
                for k, v in facility.items()
                if k not in {"target_groups", "services"}
            )
            or sorted(profile.target_groups.values_list("code", flat=True))
            != facility["target_groups"]
            or sorted(profile.services.values_list("code", flat=True)) != facility["services"]
        )
    if changed:
        report.organizations_updated += 1
        return _update_as_system(existing, values, facility_data)
    return existing


def _update_as_system(org, values, facility):
    return org_services.organization_update(
        organization=org, by=SYSTEM, data=values, facility=facility
    )


def accounts() -> list[DemoAccount]:
    return [
        DemoAccount("programme", "Nguyễn Thị Thu Hà", Role.PROGRAMME_OFFICE, "SYT-HCM"),
        DemoAccount("ward1", "Trần Văn Bình", Role.WARD_OFFICER, "UBND-{w0}"),
        DemoAccount("ward2", "Lê Thị Cúc", Role.WARD_OFFICER, "UBND-{w1}"),
        DemoAccount("facility1", "Phạm Minh Đức", Role.FACILITY_MANAGER, "CS-001"),
        DemoAccount("facility2", "Võ Thị Hồng", Role.FACILITY_MANAGER, "CS-030"),
        DemoAccount("instructor1", "Đặng Thị Lan", Role.FIELD_INSTRUCTOR, "CS-001"),
        DemoAccount("instructor2", "Bùi Văn Nam", Role.FIELD_INSTRUCTOR, "CS-030"),
        DemoAccount("school1", "Hoàng Thị Mai", Role.SCHOOL_COORDINATOR, "DHLDXH-CS2"),
        DemoAccount("school2", "Ngô Văn Phúc", Role.SCHOOL_COORDINATOR, "DHKHXHNV-HCM"),
        DemoAccount("student1", "Nguyễn Văn An", Role.STUDENT, "DHLDXH-CS2"),
        DemoAccount("student2", "Trần Thị Bích Ngọc", Role.STUDENT, "DHLDXH-CS2"),
        DemoAccount("student3", "Lê Minh Khoa", Role.STUDENT, "DHKHXHNV-HCM"),
        DemoAccount("trainer1", "Huỳnh Thị Quyên", Role.TRAINER, "HCTXH"),
        DemoAccount("viewer1", "Trương Văn Sơn", Role.VIEWER, "SYT-HCM"),
    ]


@transaction.atomic
def load_demo(*, password: str = DEFAULT_PASSWORD, stdout=None) -> DemoReport:
    """Load (or bring up to date) the demo city and one account per role."""
    report = DemoReport()
    province = settings.CTXH_PROVINCE
    load_units(by=SYSTEM, province_code=province)
    wards = list(Ward.objects.filter(province_id=province).order_by("code"))

    agency = _upsert(
        "SYT-HCM",
        {
            "name": settings.CTXH_AGENCY_NAME,
            "short_name": "Cơ quan thường trực",
            "kind": Kind.AGENCY,
            "ownership": Ownership.PUBLIC,
            "ward": wards[0],
        },
        None,
        report,
    )
    for ward in wards:
        _upsert(
            f"UBND-{ward.code}",
            {
                "name": f"UBND {ward.name}",
                "kind": Kind.WARD_OFFICE,
                "ownership": Ownership.PUBLIC,
                "ward": ward,
            },
            None,
            report,
        )
    _upsert(
        "TNXP",
        {
            "name": "Lực lượng Thanh niên xung phong Thành phố",
            "kind": Kind.YOUTH_VOLUNTEER,
            "ownership": Ownership.PUBLIC,
        },
        None,
        report,
    )
    for kind, ownership, rows in (
        (Kind.SCHOOL, Ownership.PUBLIC, data.SCHOOLS),
        (Kind.DEPARTMENT, Ownership.PUBLIC, data.DEPARTMENTS),
        (Kind.ASSOCIATION, Ownership.PUBLIC, data.ASSOCIATIONS),
        (Kind.NGO, Ownership.NON_PUBLIC, data.NGOS),
    ):
        for code, name in rows:
            _upsert(code, {"name": name, "kind": kind, "ownership": ownership}, None, report)
    for row in data.facilities(wards):
        row = dict(row)
        code, facility = row.pop("code"), row.pop("facility")
        row["parent"] = agency if row["ownership"] == Ownership.PUBLIC else None
        _upsert(code, row, facility, report)
    network.load_headcounts()  # residents of the 92 facilities (20,699 at the latest period)

    # The demo ward officers sit in the wards of the two demo facilities, so that each
    # can see a facility of its own ward and none of the other's.
    codes = {
        "w0": Organization.objects.get(code="CS-001").ward_id,
        "w1": Organization.objects.get(code="CS-030").ward_id,
    }
    for account in accounts():
        org = Organization.objects.get(code=account.org_code.format(**codes))
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = account_services.user_create(
                by=SYSTEM,
                username=account.username,
                full_name=account.full_name,
                email=f"{account.username}@demo.ctxh.vn",
                password=password,
            )
            report.users_created += 1
        elif not user.check_password(password):
            account_services.user_set_password(by=SYSTEM, user=user, password=password)
        granted = account_services.membership_grant(
            by=SYSTEM, user=user, organization=org, role=account.role
        )
        # A demo account holds one role: one loaded by an earlier version of the demo (the
        # ward officers' wards follow the demo facilities) is ended.
        for stale in user.memberships.filter(active=True).exclude(pk=granted.pk):
            account_services.membership_revoke(by=SYSTEM, membership=stale)
        report.accounts.append((account, org))
    # Two flagged corrections awaiting the programme office's review (the facilities'
    # managers submit them), so the review list and the home to-dos are not empty.
    users = {account.username: account for account, _org in report.accounts}
    network.load_flagged_headcounts(
        managers={
            users[name].org_code: User.objects.get(username=name)
            for name in ("facility1", "facility2")
        }
    )
    report.people_created = workforce_data.load_workforce()  # ~6,500, one audit event
    # The practice network, ~1,050 students with accounts, the current and the finished
    # period: a few summary audit events.
    report.practicum = practicum_data.load_practicum(password=password)
    training_data.load_training()  # classes 2010–2026, degree trainees, the trained-share target
    load_monitoring()  # indicators and targets, two years of periodic submissions
    cooperation_data.load_cooperation()  # events, agreements, plans, research, awards
    return report
