"""A user of another organisation says why before a person's data shows; the log keeps it."""

import datetime as dt

import pytest
from django.utils import timezone

from ctxh.testing import client_for
from ctxh.workforce.models import Person, PersonAccessLog
from ctxh.workforce.tests.factories import give_access_purpose
from ctxh.workforce.views import PURPOSE_SESSION_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(person_a):
    Person.objects.filter(pk=person_a.pk).update(phone="0907654321", email="anh@example.vn")
    person_a.refresh_from_db()
    return person_a


@pytest.mark.parametrize("who", ["viewer", "programme_user"])
def test_nothing_personal_shows_before_the_purpose(who, person, request):
    client = client_for(request.getfixturevalue(who))
    response = client.get(f"/workforce/{person.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="access-purpose"' in body and person.full_name in body
    for secret in (person.cccd, "079*******34", person.phone, person.email, "Nhân viên CTXH"):
        assert secret not in body
    assert "Kiểm tra" in body and "Thanh tra, giám sát" in body  # the short list, in Vietnamese
    assert not PersonAccessLog.objects.exists()


def test_the_purpose_is_asked_once_then_every_view_is_logged_with_it(viewer, person):
    client = client_for(viewer)
    url = f"/workforce/{person.pk}/"
    response = client.post(
        f"/workforce/{person.pk}/access-purpose/", {"purpose": "reporting", "next": url}
    )
    assert response.status_code == 302 and response["Location"] == url
    body = client.get(url).content.decode()
    assert 'data-testid="access-purpose"' not in body
    assert person.phone in body and "079*******34" in body  # masked ID for the viewer
    client.get(url)  # not asked again; logged again
    logs = list(PersonAccessLog.objects.order_by("id"))
    assert [(log.user, log.purpose) for log in logs] == [(viewer, "reporting")] * 2
    assert logs[0].purpose_text == "Thống kê, báo cáo"


def test_other_needs_words_and_an_invalid_answer_writes_nothing(viewer, person):
    client = client_for(viewer)
    url = f"/workforce/{person.pk}/access-purpose/"
    for data in ({"purpose": "other", "detail": "   "}, {"purpose": "gossip"}, {}):
        response = client.post(url, data)
        assert response.status_code == 200
        assert "invalid-feedback" in response.content.decode()
    assert PURPOSE_SESSION_KEY not in client.session
    assert 'data-testid="access-purpose"' in client.get(f"/workforce/{person.pk}/").content.decode()
    give_access_purpose(client, person, "other", "  Xác minh  hồ sơ\u00a0khen thưởng ")
    client.get(f"/workforce/{person.pk}/")
    log = PersonAccessLog.objects.get()
    assert (log.purpose, log.purpose_detail) == ("other", "Xác minh  hồ sơ khen thưởng")


def test_colleagues_are_neither_asked_nor_logged(manager_a, person):
    body = client_for(manager_a).get(f"/workforce/{person.pk}/").content.decode()
    assert person.cccd in body and 'data-testid="access-purpose"' not in body
    assert not PersonAccessLog.objects.exists()


def test_the_purpose_runs_out(programme_user, person):
    client = client_for(programme_user)
    give_access_purpose(client, person)
    session = client.session
    old = (timezone.now() - dt.timedelta(hours=9)).isoformat()
    session[PURPOSE_SESSION_KEY] = {
        str(person.pk): {**session[PURPOSE_SESSION_KEY][str(person.pk)], "at": old}
    }
    session.save()
    body = client.get(f"/workforce/{person.pk}/").content.decode()
    assert 'data-testid="access-purpose"' in body and person.cccd not in body


def test_a_form_sent_without_purpose_writes_nothing(programme_user, person):
    client = client_for(programme_user)
    response = client.post(
        f"/workforce/{person.pk}/edit/",
        {"full_name": "Tên Khác", "gender": "female", "date_of_birth": "17/05/1990"},
    )
    assert response.status_code == 200
    assert 'data-testid="access-purpose"' in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Ánh"
    assert f'value="/workforce/{person.pk}/edit/"' in response.content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/workforce/", "/workforce/999999/"]
)
def test_next_only_leads_to_the_persons_own_pages(next_url, viewer, person):
    response = client_for(viewer).post(
        f"/workforce/{person.pk}/access-purpose/", {"purpose": "checking", "next": next_url}
    )
    assert response["Location"] == f"/workforce/{person.pk}/"


def test_access_log_shows_page_and_purpose(programme_user, viewer, person):
    client = client_for(viewer)
    give_access_purpose(client, person, "cooperation")
    client.get(f"/workforce/{person.pk}/")
    body = client.get("/workforce/access-log/").content.decode()
    assert "Phối hợp chuyên môn" in body and "trang hồ sơ" in body
    assert person.cccd not in body
