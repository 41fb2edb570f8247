"""No personal data on any portal page, and a constant number of queries per page."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .test_public import pages
from .world import HEAD_NAME, REGISTRANT, REGISTRANT_EMAIL, STAFF_NAME, STAFF_PHONE

pytestmark = pytest.mark.django_db

#: Queries a page may run with a cold cache, and with a warm one. The tests' database cache
#: reads its table (one query per cached fact) and writes it (about four per fact stored:
#: the directory stores two); with Redis in production a warm page runs none.
COLD_MAX = 20
WARM_MAX = 4


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_page_shows_personal_data(client, world, language):
    from ctxh.cooperation.models import Registration

    Registration.objects.create(event=world.event, full_name="Đặng Khách Hai", email="hai@x.vn")
    client.cookies["django_language"] = language
    secrets = [
        STAFF_NAME,
        STAFF_PHONE,
        world.staff.cccd,
        HEAD_NAME,
        REGISTRANT,
        REGISTRANT_EMAIL,
        "Đặng Khách Hai",
        "hai@x.vn",
    ]
    assert world.staff.cccd and len(world.staff.cccd) == 12
    for name, url in pages(world).items():
        body = client.get(url).content.decode()
        for secret in secrets:
            assert secret not in body, (name, secret)


def _grow(world, n: int) -> None:
    """Add ``n`` more of everything the pages list."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from ctxh.cooperation.models import Event, GoodPractice, Registration, ResearchProject
    from ctxh.organizations.models import ServiceType, TargetGroup
    from ctxh.organizations.tests.factories import FacilityFactory

    now = timezone.now()
    groups = list(TargetGroup.objects.all()[:3])
    services = list(ServiceType.objects.all()[:3])
    for i in range(n):
        org = FacilityFactory(code=f"G-{i:03d}", name=f"Cơ sở Thêm {i:03d}", address="Số 9")
        profile = org.facility
        profile.provides_social_work_services = True
        profile.latitude, profile.longitude = Decimal("10.7") + Decimal(i) / 1000, Decimal("106.7")
        profile.save()
        profile.target_groups.set(groups)
        profile.services.set(services)
        event = Event.objects.create(
            kind=Event.Kind.WORKSHOP,
            title=f"Hội thảo thêm {i}",
            lead_organizer=world.school,
            starts_at=now + dt.timedelta(days=1 + i),
            ends_at=now + dt.timedelta(days=1 + i, hours=2),
            capacity=50,
            public=True,
            status=Event.Status.OPEN,
        )
        event.organizers.add(org)
        Registration.objects.create(event=event, full_name=f"Khách {i}", email=f"k{i}@x.vn")
        practice = GoodPractice.objects.create(
            title=f"Mô hình thêm {i}",
            organization=org,
            problem="Vấn đề.",
            contact_role="Phòng CTXH",
            published=True,
        )
        practice.applied_at.add(world.tam_binh)
        project = ResearchProject.objects.create(
            title=f"Đề tài thêm {i}",
            level="city",
            lead=world.school,
            starts_on=dt.date(2024, 1, 1),
            published=True,
        )
        project.partners.add(org)


def _counts(client, world) -> dict[str, tuple[int, int]]:
    found = {}
    for name, url in pages(world).items():
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200
        found[name] = (len(cold), len(warm))
    return found


def test_every_page_runs_a_constant_number_of_queries(client, world):
    small = _counts(client, world)
    _grow(world, 30)
    large = _counts(client, world)
    assert large == small, (small, large)
    for name, (cold, warm) in large.items():
        assert cold <= COLD_MAX and warm <= WARM_MAX, (name, cold, warm)


def test_query_bounds_with_the_assertion_fixture(client, world, django_assert_max_num_queries):
    _grow(world, 10)
    for url in pages(world).values():
        cache.clear()
        with django_assert_max_num_queries(COLD_MAX):
            client.get(url)
        with django_assert_max_num_queries(WARM_MAX):
            client.get(url)


def test_a_registration_post_is_not_cached_but_reads_the_database(client, world):
    url = reverse("portal:event", args=[world.event.pk])
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as posted:
        client.post(url, {"full_name": "Khách", "email": "k@example.org"})
    assert any("INSERT" in q["sql"] and "registration" in q["sql"] for q in posted)
