"""The person page and the pages that show a person's data: scoped records, constant query
count, access logging; the export's one log entry."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ctxh.core.models import AuditEvent
from ctxh.testing import client_for
from ctxh.workforce.models import Certificate, Employment, FieldInstructor, PersonAccessLog
from ctxh.workforce.tests.factories import PersonFactory, employ, give_access_purpose

pytestmark = pytest.mark.django_db


def _grow(person, facility_a, facility_b, years: int) -> None:
    """Give ``person`` a longer history: alternating employments, one certificate a year."""
    Employment.objects.filter(person=person).delete()
    for i in range(years):
        org = facility_a if i % 2 else facility_b
        Employment.objects.create(
            person=person,
            organization=org,
            start_date=dt.date(2000 + i, 1, 1),
            end_date=None if i == years - 1 else dt.date(2000 + i, 12, 31),
        )
        Certificate.objects.create(person=person, kind="other", number=f"N-{i}")
    person.current_organization = org
    person.save()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_person_page_query_count_is_constant(programme_user, facility_a, facility_b):
    person = PersonFactory()
    FieldInstructor.objects.create(person=person)
    client = client_for(programme_user)
    give_access_purpose(client, person)
    url = f"/workforce/{person.pk}/"
    _grow(person, facility_a, facility_b, 2)
    client.get(url)  # warm the session and the per-process caches
    small = _queries(client, url)
    _grow(person, facility_a, facility_b, 12)
    large = _queries(client, url)
    # 12 measured: session, user, memberships, person, records…, the unread notifications
    assert small == large <= 12


def test_person_page_shows_only_the_records_the_user_may_see(
    manager_a, viewer, facility_a, facility_b
):
    person = PersonFactory(full_name="Phạm Thị Chuyển")
    old = Employment.objects.create(
        person=person,
        organization=facility_b,
        position="Vị trí ở B",
        start_date=dt.date(2018, 1, 1),
        end_date=dt.date(2019, 12, 31),
    )
    employ(person, facility_a, start=dt.date(2020, 1, 1), position="Vị trí ở A")
    Certificate.objects.create(person=person, kind="other", number="CC-A")
    manager_page = client_for(manager_a).get(f"/workforce/{person.pk}/")
    assert manager_page.status_code == 200
    html = manager_page.content.decode()
    assert "Vị trí ở A" in html and "Vị trí ở B" not in html
    assert [e.pk for e in manager_page.context["employments"]] != [old.pk]
    assert len(manager_page.context["employments"]) == 1
    viewer_client = client_for(viewer)
    give_access_purpose(viewer_client, person)
    viewer_page = viewer_client.get(f"/workforce/{person.pk}/")
    assert len(viewer_page.context["employments"]) == 2
    assert "Vị trí ở B" in viewer_page.content.decode()
    assert [c.number for c in viewer_page.context["certificates"]] == ["CC-A"]


@pytest.mark.parametrize(
    "suffix", ["edit/", "employment/", "certificates/new/", "field-instructor/"]
)
def test_pages_showing_personal_data_are_logged(suffix, programme_user, manager_a, person_a):
    assert client_for(manager_a).get(f"/workforce/{person_a.pk}/{suffix}").status_code == 200
    assert not PersonAccessLog.objects.exists()  # colleagues of the person: not logged
    client = client_for(programme_user)
    first = client.get(f"/workforce/{person_a.pk}/{suffix}")
    assert 'data-testid="access-purpose"' in first.content.decode()  # asked first
    assert not PersonAccessLog.objects.exists()
    give_access_purpose(client, person_a, "inspection")
    assert client.get(f"/workforce/{person_a.pk}/{suffix}").status_code == 200
    log = PersonAccessLog.objects.get()
    assert (log.person, log.user, log.purpose) == (person_a, programme_user, "inspection")
    assert log.page != ""


def test_employment_end_page_is_logged(programme_user, person_a):
    employment = person_a.employments.get()
    url = f"/workforce/{person_a.pk}/employment/{employment.pk}/end/"
    client = client_for(programme_user)
    give_access_purpose(client, person_a)
    assert client.get(url).status_code == 200
    assert PersonAccessLog.objects.filter(person=person_a, user=programme_user).count() == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_logged_once_with_its_count(fmt, programme_user, person_a, person_b):
    response = client_for(programme_user).get(f"/workforce/export.{fmt}?q={person_a.cccd}")
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="person.export")
    assert event.actor == programme_user
    assert event.new_values["count"] == 1 and event.new_values["format"] == fmt
    assert person_a.cccd not in str(event.new_values)  # a searched CCCD is masked too
    response = client_for(programme_user).get(f"/workforce/export.{fmt}")
    assert AuditEvent.objects.filter(action="person.export").count() == 2
    assert AuditEvent.objects.latest("id").new_values["count"] == 2
    assert not PersonAccessLog.objects.exists()  # not one entry per person
