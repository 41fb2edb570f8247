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
    assert User.objects.count() == 12
    events = AuditEvent.objects.count()
    assert events > 300
    snapshot = list(Organization.objects.values().order_by("id"))
    call_command("demo", "--quiet", "--password", "Demo-pass-2026")
    assert AuditEvent.objects.count() == events
    assert list(Organization.objects.values().order_by("id")) == snapshot
    user = User.objects.get(username="ward1")
    assert user.check_password("Demo-pass-2026")
    # the two ward officers each see the demo facility of their own ward
    ward1_sees = set(Organization.objects.visible_to(user).values_list("code", flat=True))
    assert "CS-001" in ward1_sees and "CS-030" not in ward1_sees
