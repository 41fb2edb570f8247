"""The indicators' computations on a small world with exact values, the traffic light,
the targets' validation and history, the values entered by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ctxh.core.models import AuditEvent
from ctxh.core.scoping import SYSTEM
from ctxh.geo.models import Province, Ward
from ctxh.monitoring.models import Indicator, IndicatorValue, Target, TargetRevision
from ctxh.monitoring.selectors.computations import COMPUTATIONS, figures_cache
from ctxh.monitoring.selectors.indicators import (
    AMBER,
    GREEN,
    RED,
    dashboard,
    expected_on_path,
    indicator_value,
    light_target,
    traffic_light,
    ward_table,
)
from ctxh.monitoring.services.indicators import (
    indicator_save,
    indicator_value_save,
    target_save,
)
from ctxh.organizations.models import ResidentCount, TargetGroup
from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
from ctxh.testing import make_user
from ctxh.training.models import Course, Enrollment, TrainingClass
from ctxh.workforce.models import StaffType
from ctxh.workforce.tests.factories import PersonFactory, employ

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


class World:
    pass


@pytest.fixture
def world(db):
    """Two wards; ward A's office has a staff member, ward B's only a collaborator; two
    active facilities (A staffed and providing services, B neither) and an inactive one;
    a person without organisation; one person trained recently; residents at facility A."""
    w = World()
    province, _ = Province.objects.get_or_create(
        code=settings.CTXH_PROVINCE,
        defaults={"name": "Thành phố Thử", "division_type": "thành phố", "codename": "thu"},
    )
    Ward.objects.filter(province=province).delete()
    w.ward_a = Ward.objects.create(
        code=960001, name="Phường An", kind="phuong", codename="a", province=province
    )
    w.ward_b = Ward.objects.create(
        code=960002, name="Phường Bình", kind="phuong", codename="b", province=province
    )
    w.agency = OrganizationFactory(code="M-SYT", kind="agency")
    w.office_a = OrganizationFactory(code="M-UB-A", kind="ward_office", ward=w.ward_a)
    w.office_b = OrganizationFactory(code="M-UB-B", kind="ward_office", ward=w.ward_b)
    w.fac_a = FacilityFactory(code="M-CS-A", ward=w.ward_a)
    w.fac_a.facility.provides_social_work_services = True
    w.fac_a.facility.save()
    w.fac_b = FacilityFactory(code="M-CS-B", ward=w.ward_b)
    w.fac_closed = FacilityFactory(code="M-CS-C", ward=w.ward_a, active=False)
    w.p_office = PersonFactory(full_name="Lê Văn Một")
    employ(w.p_office, w.office_a)
    w.p_fac = PersonFactory(full_name="Lê Thị Hai")
    employ(w.p_fac, w.fac_a)
    w.p_collab = PersonFactory(full_name="Lê Văn Ba", staff_type=StaffType.COLLABORATOR)
    employ(w.p_collab, w.office_b)
    w.p_none = PersonFactory(full_name="Lê Thị Bốn")
    course = Course.objects.create(code="MK", title="Kỹ năng", topic="Kỹ năng", hours=8)
    end = timezone.localdate() - dt.timedelta(days=10)
    klass = TrainingClass.objects.create(
        course=course,
        code="ML1",
        name="ML1",
        organizer=w.agency,
        starts_on=end - dt.timedelta(days=2),
        ends_on=end,
        capacity=20,
        funding="state",
        status="closed",
    )
    Enrollment.objects.create(
        training_class=klass,
        person=w.p_fac,
        organization=w.fac_a,
        status="accepted",
        completed=True,
        match_status="registry",
    )
    children = TargetGroup.objects.get(code="children")
    elderly = TargetGroup.objects.get(code="elderly")
    w.children, w.elderly = children, elderly
    latest = dt.date(YEAR, 1, 1) - dt.timedelta(days=1)  # 31/12 of last year
    for period, group, count in (
        (dt.date(YEAR - 1, 6, 30), children, 99),  # an older period: not counted
        (latest, children, 12),
        (latest, elderly, 7),
    ):
        ResidentCount.objects.create(
            facility=w.fac_a, period_end=period, target_group=group, count=count
        )
    w.programme = make_user("programme_office", w.agency)
    w.viewer = make_user("viewer", w.agency)
    return w


def compute(name, **kwargs):
    with figures_cache():
        return COMPUTATIONS[name](year=kwargs.pop("year", YEAR), **kwargs)


def test_workforce_people_by_sector_and_ward(world):
    assert compute("workforce_people") == 4
    assert compute("workforce_people", breakdown="sector") == {"wards": 2, "facilities": 1}
    assert compute("workforce_people", breakdown="ward") == {
        world.ward_a.pk: 2,
        world.ward_b.pk: 1,
    }
    assert compute("workforce_people", ward=world.ward_b.pk) == 1
    # The registry only knows today: a past year is not computed.
    assert compute("workforce_people", year=YEAR - 1) is None


def test_coverage_shares_reuse_the_workforce_definition(world):
    # Ward B's office has only a collaborator: one ward of two is covered.
    assert compute("wards_with_staff") == 50.0
    assert compute("wards_with_staff", breakdown="ward") == {
        world.ward_a.pk: 100.0,
        world.ward_b.pk: 0.0,
    }
    assert compute("wards_with_staff", ward=world.ward_b.pk) == 0.0
    # Active facilities: A staffed, B not (the closed one is not counted).
    assert compute("facilities_with_staff") == 50.0
    assert compute("facilities_with_staff", breakdown="ward") == {
        world.ward_a.pk: 100.0,
        world.ward_b.pk: 0.0,
    }
    assert compute("facilities_providing_services") == 50.0
    assert compute("facilities_providing_services", ward=world.ward_a.pk) == 100.0


def test_trained_share_and_residents(world):
    # Three people with a current organisation, one trained in the last five years.
    assert compute("workforce_trained_share") == 33.33
    assert compute("workforce_trained_share", breakdown="sector") == {
        "wards": 0.0,
        "facilities": 100.0,
    }
    assert compute("workforce_trained_share", ward=world.ward_a.pk) == 50.0
    # The latest period on or before today: 12 + 7; the older period is not added.
    assert compute("residents") == 19
    assert compute("residents", breakdown="target_group") == {
        world.children.pk: 12,
        world.elderly.pk: 7,
    }
    assert compute("residents", breakdown="ward") == {world.ward_a.pk: 19}
    assert compute("residents", year=YEAR - 1) == 19  # as of 31/12 of last year
    assert compute("residents", year=YEAR - 2) is None  # nothing reported then
    # The network's own definition gives the same totals.
    from ctxh.organizations.selectors.network import city_residents_by_group, city_residents_total

    today = timezone.localdate()
    assert compute("residents") == city_residents_total(today, SYSTEM)
    assert compute("residents", breakdown="target_group") == {
        g.pk: n for g, n in city_residents_by_group(today, SYSTEM)
    }


def test_placements_by_period_year(permission_world):
    from ctxh.practicum.models import Placement

    years = set(Placement.objects.values_list("period__starts_on__year", flat=True))
    assert years
    for year in years:
        hosted = Placement.objects.filter(
            period__starts_on__year=year, status__in=Placement.HOSTED
        ).count()
        done = Placement.objects.filter(period__starts_on__year=year, status="completed").count()
        assert compute("students_placed", year=year) == hosted
        assert compute("students_completed", year=year) == done
        by_ward = compute("students_placed", year=year, breakdown="ward")
        assert sum(by_ward.values()) == hosted  # every test facility has a ward


def test_the_workforce_targets_were_copied_by_the_migration():
    wards = Indicator.objects.get(code="wards_with_staff")
    assert {(t.year, t.value) for t in wards.targets.all()} == {
        (2025, Decimal("60.00")),
        (2030, Decimal("90.00")),
    }
    assert set(wards.targets.values_list("source", flat=True)) == {Target.Source.DECISION_112}


# --- The traffic light --------------------------------------------------------------------


def test_traffic_light():
    assert traffic_light(60, 60) == GREEN
    assert traffic_light(75, 60) == GREEN
    assert traffic_light(54, 60) == AMBER  # within 10 %
    assert traffic_light(53.9, 60) == RED
    assert traffic_light(40, 90, expected=38) == AMBER  # on the path to the target
    assert traffic_light(30, 90, expected=38) == RED
    assert traffic_light(None, 60) is None
    assert traffic_light(50, None) is None
    # A figure to reduce: at or under the target is reached.
    assert traffic_light(10, 12, higher_is_better=False) == GREEN
    assert traffic_light(13, 12, higher_is_better=False) == AMBER
    assert traffic_light(20, 12, higher_is_better=False) == RED


def test_light_reads_this_years_target_else_the_path_to_the_next():
    def target(year, value, baseline=None, baseline_year=None):
        return Target(year=year, value=Decimal(value), baseline_value=baseline,
                      baseline_year=baseline_year)  # fmt: skip

    t25, t30 = target(2025, 60), target(2030, 90)
    assert light_target([t25, t30], 2025) == (t25, None)
    chosen, expected = light_target([t25, t30], 2026)
    assert chosen is t30 and expected == Decimal(66)  # 60 → 90 over five years
    chosen, expected = light_target([target(2030, 90, Decimal(40), 2020)], 2026)
    assert expected == Decimal(70)
    assert light_target([t25], 2026) == (t25, None)  # due: read against it, no path
    assert light_target([], 2026) == (None, None)
    assert expected_on_path(
        year=2019, start_year=2020, start_value=40, target_year=2030, target_value=90
    ) == Decimal(40)


# --- Targets ------------------------------------------------------------------------------


def test_target_outside_the_programme_or_negative_is_refused(world):
    indicator = Indicator.objects.get(code="wards_with_staff")
    before = (Target.objects.count(), TargetRevision.objects.count(), AuditEvent.objects.count())
    for year, value in ((2020, 50), (2031, 50), (2026, -1), (2026, 120)):
        with pytest.raises(ValidationError):
            target_save(by=world.programme, indicator=indicator, year=year, value=value)
    with pytest.raises(ValidationError) as error:
        target_save(by=world.programme, indicator=indicator, year=2035, value=50)
    assert "2021" in str(error.value) and "2030" in str(error.value)
    with pytest.raises(PermissionDenied):
        target_save(by=world.viewer, indicator=indicator, year=2027, value=70)
    after = (Target.objects.count(), TargetRevision.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_target_history_keeps_who_changed_what(world):
    indicator = Indicator.objects.get(code="wards_with_staff")
    target = target_save(
        by=world.programme,
        indicator=indicator,
        year=2027,
        value=70,
        baseline_value=40,
        baseline_year=2021,
        source=Target.Source.DECISION_3359,
    )
    target_save(
        by=world.programme,
        indicator=indicator,
        year=2027,
        value=75,
        baseline_value=40,
        baseline_year=2021,
        source=Target.Source.DECISION_3359,
    )
    # The same values again: nothing written.
    target_save(
        by=world.programme,
        indicator=indicator,
        year=2027,
        value="75.00",
        baseline_value=40,
        baseline_year=2021,
        source=Target.Source.DECISION_3359,
    )
    revisions = list(TargetRevision.objects.filter(target=target).order_by("id"))
    assert len(revisions) == 2
    assert revisions[1].old["value"] == "70.00" and revisions[1].new["value"] == "75.00"
    assert revisions[1].changed_by == world.programme
    events = AuditEvent.objects.filter(object_type="monitoring.target", object_id=str(target.pk))
    assert [e.action for e in events.order_by("id")] == ["target.create", "target.update"]
    update = events.get(action="target.update")
    assert update.old_values == {"value": "70.00"} and update.new_values == {"value": "75.00"}
    # A ward's own target beside the city's.
    ward_target = target_save(
        by=world.programme, indicator=indicator, year=2027, value=100, ward=world.ward_a
    )
    assert ward_target.pk != target.pk
    with pytest.raises(ValidationError):  # baseline after the target's year
        target_save(
            by=world.programme,
            indicator=indicator,
            year=2025,
            value=60,
            baseline_value=10,
            baseline_year=2028,
        )


def test_manual_value_and_dashboard(world):
    indicator = indicator_save(
        by=world.programme,
        data={
            "code": "manual_share",
            "name": "Tỷ lệ nhập tay",
            "unit": "percent",
            "theme": "beneficiaries",
            "method": "manual",
            "breakdowns": ["ward"],
            "order": 99,
        },
    )
    indicator_value_save(by=world.programme, indicator=indicator, year=YEAR, value=81)
    indicator_value_save(
        by=world.programme, indicator=indicator, year=YEAR, value=40, ward=world.ward_a
    )
    with pytest.raises(ValidationError):
        indicator_value_save(by=world.programme, indicator=indicator, year=YEAR, value=-3)
    with pytest.raises(PermissionDenied):
        indicator_value_save(by=world.viewer, indicator=indicator, year=YEAR, value=3)
    assert IndicatorValue.objects.get(indicator=indicator, ward=None).value == Decimal(81)
    target_save(by=world.programme, indicator=indicator, year=YEAR, value=85)
    with figures_cache():
        assert indicator_value(indicator, year=YEAR) == 81.0
        assert indicator_value(indicator, year=YEAR, breakdown="ward") == {world.ward_a.pk: 40.0}
        board = dashboard(user=world.viewer, year=YEAR)
    row = next(r for r in board.rows if r.indicator == indicator)
    assert row.value == 81.0 and row.light == AMBER  # within 10 % of 85
    wards = next(r for r in board.rows if r.indicator.code == "wards_with_staff")
    assert wards.value == 50.0
    assert wards.link.startswith(reverse("workforce:list"))
    assert "sector=wards" in wards.link and "staff_type=staff" in wards.link


def test_unknown_computation_is_refused(world):
    with pytest.raises(ValidationError):
        indicator_save(
            by=SYSTEM,
            data={
                "code": "bad",
                "name": "Sai",
                "unit": "count",
                "theme": "network",
                "method": "computation",
                "computation": "nope",
            },
        )
    with pytest.raises(ValidationError):
        indicator_save(
            by=SYSTEM,
            data={
                "code": "bad2",
                "name": "Sai",
                "unit": "count",
                "theme": "network",
                "method": "submission",
            },
        )


def test_ward_table_sorts_by_an_indicator(world):
    with figures_cache():
        table = ward_table(year=YEAR, sort="wards_with_staff", descending=False)
    codes = [i.code for i in table.indicators]
    assert "wards_with_staff" in codes and "facilities_with_staff" in codes
    column = codes.index("wards_with_staff")
    assert [w.pk for w, _v in table.rows] == [world.ward_b.pk, world.ward_a.pk]
    assert [v[column] for _w, v in table.rows] == [0.0, 100.0]
