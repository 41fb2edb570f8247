"""Residents' headcounts: the service's permissions and validation, history that is never
overwritten, and totals as of a date."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ctxh.core.models import AuditEvent
from ctxh.core.scoping import SYSTEM
from ctxh.organizations.models import ResidentCount, TargetGroup
from ctxh.organizations.selectors import (
    city_residents_by_group,
    city_residents_total,
    facility_headcount_history,
)
from ctxh.organizations.services import HeadcountRow, headcount_load, headcount_submit
from ctxh.organizations.tests.factories import OrganizationFactory
from ctxh.testing import make_user

pytestmark = pytest.mark.django_db

JUNE = dt.date(2025, 6, 30)
SEPT = dt.date(2025, 9, 30)
DEC = dt.date(2025, 12, 31)


@pytest.fixture
def groups(db):
    return {g.code: g for g in TargetGroup.objects.all()}


@pytest.fixture
def served(facility_a, facility_b, groups):
    for fac in (facility_a, facility_b):
        fac.facility.target_groups.set([groups["children"], groups["elderly"]])
    return facility_a


def _events(action="headcount.submit"):
    return AuditEvent.objects.filter(action=action).count()


def test_programme_office_and_own_manager_may_submit(served, facility_a, programme_user, manager_a):
    result = headcount_submit(
        by=programme_user, facility=facility_a, period_end=JUNE, counts={"children": 10}
    )
    assert [r.count for r in result.created] == [10]
    assert result.created[0].recorded_by == programme_user
    result = headcount_submit(
        by=manager_a, facility=facility_a, period_end=SEPT, counts={"children": 11, "elderly": 3}
    )
    assert len(result.created) == 2 and result.warnings == []
    event = AuditEvent.objects.filter(action="headcount.submit").first()
    assert event.organization_id == facility_a.pk
    assert event.new_values["children"] == 11 and event.new_values["period_end"] == "2025-09-30"
    assert _events() == 2


def test_others_may_not_submit(served, facility_a, manager_b, student_a, wards):
    ward_officer = make_user(
        "ward_officer", OrganizationFactory(code="UBND-X", kind="ward_office", ward=facility_a.ward)
    )
    viewer = make_user("viewer", OrganizationFactory(code="AUDIT"))
    for user in (manager_b, student_a, ward_officer, viewer):
        with pytest.raises(PermissionDenied):
            headcount_submit(by=user, facility=facility_a, period_end=JUNE, counts={"children": 1})
    assert ResidentCount.objects.count() == 0 and _events() == 0


@pytest.mark.parametrize(
    ("period_end", "counts", "field"),
    [
        (JUNE, {"children": -1}, None),
        (JUNE, {"children": 1.5}, None),
        (JUNE, {"children": "7"}, None),
        (JUNE, {"children": 200_000}, None),
        (JUNE, {"no_such_group": 3}, None),
        (JUNE, {}, None),
        ("2025-06-30", {"children": 3}, "period_end"),
        (dt.date(1999, 12, 31), {"children": 3}, "period_end"),
    ],
)
def test_validation_writes_nothing(served, facility_a, programme_user, period_end, counts, field):
    with pytest.raises(ValidationError) as exc:
        headcount_submit(
            by=programme_user, facility=facility_a, period_end=period_end, counts=counts
        )
    if field:
        assert field in exc.value.message_dict
    assert ResidentCount.objects.count() == 0 and _events() == 0


def test_future_date_is_refused(served, facility_a, programme_user):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        headcount_submit(
            by=programme_user, facility=facility_a, period_end=tomorrow, counts={"children": 1}
        )
    assert exc.value.message_dict["period_end"]
    headcount_submit(
        by=programme_user,
        facility=facility_a,
        period_end=timezone.localdate(),
        counts={"children": 1},
    )


def test_not_a_facility_is_refused(programme_user, agency):
    with pytest.raises(ValidationError):
        headcount_submit(by=programme_user, facility=agency, period_end=JUNE, counts={"elderly": 1})


def test_unserved_group_warns_and_over_capacity_waits_for_review(
    served, facility_a, programme_user
):
    facility_a.facility.capacity = 20
    facility_a.facility.save()
    result = headcount_submit(
        by=programme_user,
        facility=facility_a,
        period_end=JUNE,
        counts={"children": 15, "hiv": 9},
        confirmed=True,
        reason="Tiếp nhận khẩn cấp sau bão",
    )
    assert len(result.created) == 2
    assert len(result.warnings) == 1  # "hiv" not served
    assert len(result.flagged) == 2  # 24 > capacity 20: every changed figure is reviewed


def test_a_correction_never_overwrites(served, facility_a, programme_user, manager_a, groups):
    first = headcount_submit(
        by=manager_a, facility=facility_a, period_end=JUNE, counts={"children": 10, "elderly": 4}
    ).created
    second = headcount_submit(
        by=programme_user,
        facility=facility_a,
        period_end=JUNE,
        counts={"children": 12, "elderly": 4},
        note="Sửa sai sót",
    )
    assert len(second.created) == 1 and second.unchanged == 1
    correction = second.created[0]
    original = ResidentCount.objects.get(pk=first[0].pk)
    assert original.count == 10  # still there, unchanged
    assert correction.supersedes_id == original.pk
    current = ResidentCount.objects.current().filter(facility=facility_a, period_end=JUNE)
    assert dict(current.values_list("target_group__code", "count")) == {
        "children": 12,
        "elderly": 4,
    }
    assert ResidentCount.objects.count() == 3
    event = AuditEvent.objects.filter(action="headcount.submit").first()
    assert event.old_values["children"] == 10 and event.new_values["children"] == 12
    # the same figures again: nothing written, nothing audited
    events = _events()
    again = headcount_submit(
        by=programme_user,
        facility=facility_a,
        period_end=JUNE,
        counts={groups["children"]: 12, "elderly": 4},
    )
    assert again.created == [] and again.unchanged == 2
    assert ResidentCount.objects.count() == 3 and _events() == events
    # a second correction supersedes the first correction, not the original
    third = headcount_submit(
        by=programme_user, facility=facility_a, period_end=JUNE, counts={"children": 13}
    ).created[0]
    assert third.supersedes_id == correction.pk
    assert city_residents_total(JUNE, programme_user) == 17
    history = facility_headcount_history(user=programme_user, facility=facility_a)
    assert [p.total for p in history.periods] == [17]
    assert sorted(c.count for c in history.periods[0].corrections) == [10, 12]


def test_totals_read_each_facility_latest_period(
    served, facility_a, facility_b, programme_user, manager_a, groups
):
    submit = headcount_submit
    submit(
        by=programme_user,
        facility=facility_a,
        period_end=JUNE,
        counts={"children": 10, "elderly": 5},
    )
    submit(by=programme_user, facility=facility_a, period_end=DEC, counts={"children": 12})
    submit(by=programme_user, facility=facility_b, period_end=SEPT, counts={"elderly": 7})
    total = city_residents_total
    assert total(dt.date(2025, 6, 29), programme_user) == 0
    assert total(JUNE, programme_user) == 15
    assert total(dt.date(2025, 10, 1), programme_user) == 22
    assert total(dt.date(2026, 1, 1), programme_user) == 19  # A's December replaces June
    by_group = city_residents_by_group(dt.date(2026, 1, 1), programme_user)
    assert [(g.code, n) for g, n in by_group] == [("children", 12), ("elderly", 7)]
    # scoped: a facility manager totals its own facility only
    assert total(dt.date(2026, 1, 1), manager_a) == 12
    assert total(dt.date(2026, 1, 1), make_user()) == 0


def test_load_is_bulk_idempotent_and_audited_once(
    served, facility_a, facility_b, groups, manager_a
):
    rows = [
        HeadcountRow(facility_a, JUNE, groups["children"], 30),
        HeadcountRow(facility_a, JUNE, groups["elderly"], 5),
        HeadcountRow(facility_b, JUNE, groups["elderly"], 8),
    ]
    assert headcount_load(by=SYSTEM, rows=rows) == 3
    assert _events("headcount.load") == 1
    event = AuditEvent.objects.get(action="headcount.load")
    assert event.new_values["people"] == 43 and event.source == "command"
    assert headcount_load(by=SYSTEM, rows=rows) == 0
    assert _events("headcount.load") == 1
    rows[0] = HeadcountRow(facility_a, JUNE, groups["children"], 31)
    assert headcount_load(by=SYSTEM, rows=rows) == 1
    assert ResidentCount.objects.count() == 4
    with pytest.raises(PermissionDenied):
        headcount_load(by=manager_a, rows=rows)
    with pytest.raises(ValidationError):
        headcount_load(by=SYSTEM, rows=[HeadcountRow(facility_a, DEC, groups["children"], -2)])
    with pytest.raises(ValidationError):
        headcount_load(by=SYSTEM, rows=[rows[1], rows[1]])
