import pytest
from django.core.management import call_command

from ctxh.accounts.models import User
from ctxh.core.models import AuditEvent
from ctxh.organizations.models import FACILITY_KINDS, Organization

pytestmark = pytest.mark.django_db


def test_demo_mirrors_the_articles_and_is_idempotent():
    call_command("demo", "--quiet", "--password", "Demo-pass-2026")
    orgs = Organization.objects.all()
    assert orgs.filter(kind="ward_office").count() == 168
    facilities = orgs.filter(kind__in=FACILITY_KINDS)
    assert facilities.count() == 92
    assert facilities.filter(ownership="public").count() == 28
    assert facilities.filter(kind="rehab_facility").count() == 8
    assert facilities.filter(ownership="non_public").count() == 64
    assert orgs.filter(kind="school").count() == 7
    assert User.objects.filter(email__endswith="@demo.ctxh.vn").count() == 14  # one per role
    assert User.objects.filter(email__endswith="@sv.demo.ctxh.vn").count() == 1047  # students
    events = AuditEvent.objects.count()
    assert events > 300
    snapshot = list(Organization.objects.values().order_by("id"))
    # Residents: the articles' 20,699 as of today, with two earlier periods of history.
    from django.utils import timezone

    from ctxh.organizations.models import ResidentCount
    from ctxh.organizations.selectors import city_residents_total

    programme = User.objects.get(username="programme")
    assert city_residents_total(timezone.localdate(), programme) == 20_699
    # Two flagged corrections await review: provisional, apart from the accepted total.
    from ctxh.organizations.selectors import provisional_residents

    assert ResidentCount.objects.awaiting_review().count() == 2
    provisional = provisional_residents(user=programme, as_of=timezone.localdate())
    assert (provisional.entries, provisional.facilities) == (2, 2) and provisional.people > 0
    # The registry's three periods, plus the quarters the approved periodic reports of the
    # monitoring wrote through (the registry is the residents' one source of truth).
    assert ResidentCount.objects.values("period_end").distinct().count() == 8
    assert ResidentCount.objects.values("facility").distinct().count() == 92
    headcounts = ResidentCount.objects.count()
    # Periodic reports: the latest approved quarter (Q2/2026) gives the articles' figures.
    import datetime as dt

    from ctxh.monitoring.models import Submission
    from ctxh.monitoring.selectors.submissions import approved_values

    q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert approved_values("facility_residents", "total", *q2) == 20_699
    assert approved_values("ward_allowance", "total", *q2) == 136_036
    assert len(approved_values("ward_allowance", "total", *q2, by="ward")) == 168
    assert Submission.objects.filter(status="returned").count() == 1
    assert Submission.objects.filter(status="superseded").count() == 1
    submissions = Submission.objects.count()
    # Workforce: ~6,500 people over the five sectors of DOMAIN.md, loaded with ONE audit event.
    from ctxh.workforce.models import FieldInstructor, Person
    from ctxh.workforce.selectors import workforce_statistics

    stats = workforce_statistics(user=programme)
    by_sector = {row.label: row.count for row in stats["by_sector"]}
    assert stats["total"] == Person.objects.count() == 6520
    assert list(by_sector.values()) == [3000, 1050, 1000, 520, 950]
    instructors = FieldInstructor.objects.filter(
        person__current_organization__kind__in=FACILITY_KINDS
    )
    assert instructors.count() == 300
    assert AuditEvent.objects.filter(action="person.bulk_load").count() == 1
    assert not AuditEvent.objects.filter(action="person.create").exists()
    people = list(
        Person.objects.values_list("id", "cccd", "current_organization_id").order_by("id")
    )
    call_command("demo", "--quiet", "--password", "Demo-pass-2026")
    assert ResidentCount.objects.count() == headcounts
    assert Submission.objects.count() == submissions
    assert (
        list(Person.objects.values_list("id", "cccd", "current_organization_id").order_by("id"))
        == people
    )
    assert AuditEvent.objects.count() == events
    assert list(Organization.objects.values().order_by("id")) == snapshot
    user = User.objects.get(username="ward1")
    assert user.check_password("Demo-pass-2026")
    # the two ward officers each see the demo facility of their own ward
    ward1_sees = set(Organization.objects.visible_to(user).values_list("code", flat=True))
    assert "CS-001" in ward1_sees and "CS-030" not in ward1_sees
    # A database loaded by an earlier demo, where ward1 sat in another ward's office: the
    # demo account keeps only its one role.
    from ctxh.accounts.services import membership_grant
    from ctxh.core.scoping import SYSTEM

    old_office = Organization.objects.get(
        code="UBND-" + str(Organization.objects.get(code="CS-030").ward_id)
    )
    membership_grant(by=SYSTEM, user=user, organization=old_office, role="ward_officer")
    call_command("demo", "--quiet", "--password", "Demo-pass-2026")
    home_ward = Organization.objects.get(code="CS-001").ward
    assert home_ward.name == "Phường Tam Bình"
    assert list(
        user.memberships.filter(active=True).values_list("organization__code", flat=True)
    ) == [f"UBND-{home_ward.code}"]
