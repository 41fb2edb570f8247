"""A visitor registers for an open public event from the portal: success, waiting list,
deadline passed, duplicate, rate limit, CSRF; the next view shows the seats left at once."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from .world import REGISTRANT, REGISTRANT_EMAIL

pytestmark = pytest.mark.django_db


def _post(client, event, name="Phan Văn Khách", email="khach@example.org", org="Phường 5"):
    return client.post(
        reverse("portal:event", args=[event.pk]),
        {"full_name": name, "email": email, "organization_name": org},
        REMOTE_ADDR="203.0.113.9",
    )


def test_a_visitor_registers_and_the_next_view_shows_the_seat_taken(
    client, world, django_capture_on_commit_callbacks
):
    from ctxh.cooperation.models import Registration

    url = reverse("portal:event", args=[world.event.pk])
    assert "Còn 1 / 2 chỗ" in client.get(url).content.decode()  # now cached
    assert "Còn 1 chỗ" in client.get(reverse("portal:events")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, world.event)
    assert response.status_code == 302 and response.url == url + "#registration"
    row = Registration.objects.get(event=world.event, email="khach@example.org")
    assert row.status == Registration.Status.REGISTERED and row.organization_name == "Phường 5"
    assert len(mail.outbox) == 1 and row.code in mail.outbox[0].body
    page = client.get(url).content.decode()
    assert "Bạn đã đăng ký thành công" in page and "khach@example.org" in page
    assert "Còn 0 / 2 chỗ" in page  # the cached facts were dropped by the registration
    assert "Đăng ký vào danh sách chờ" in page
    assert "Đã đủ chỗ: danh sách chờ" in client.get(reverse("portal:events")).content.decode()


def test_a_full_event_puts_the_visitor_on_the_waiting_list(client, world):
    from ctxh.cooperation.models import Registration

    assert _post(client, world.event).status_code == 302
    response = _post(client, world.event, name="Người Thứ Ba", email="ba@example.org")
    assert response.status_code == 302
    row = Registration.objects.get(email="ba@example.org")
    assert row.status == Registration.Status.WAITLISTED and row.waitlist_position == 1
    page = client.get(response.url).content.decode()
    assert "vị trí số 1 trong danh sách chờ" in page


def test_after_the_deadline_nothing_is_written(client, world):
    from ctxh.cooperation.models import Registration

    page = client.get(reverse("portal:event", args=[world.closed_event.pk])).content.decode()
    assert 'data-testid="registration-closed"' in page and "registration-form" not in page
    response = _post(client, world.closed_event)  # a page left open before the deadline
    assert response.status_code == 200
    assert "đã hết hạn đăng ký lúc" in response.content.decode()
    assert not Registration.objects.filter(event=world.closed_event).exists()
    assert mail.outbox == []


def test_a_duplicate_is_refused_without_naming_who_registered(client, world):
    from ctxh.cooperation.models import Registration

    before = Registration.objects.count()
    response = _post(client, world.event, name="Ai Đó", email=REGISTRANT_EMAIL.upper())
    body = response.content.decode()
    assert response.status_code == 200
    assert "Địa chỉ e-mail này đã đăng ký sự kiện này rồi" in body
    assert REGISTRANT not in body
    assert Registration.objects.count() == before


def test_bad_input_shows_form_errors(client, world):
    from ctxh.cooperation.models import Registration

    response = _post(client, world.event, name="", email="not-an-address")
    assert response.status_code == 200
    assert 'class="text-danger small"' in response.content.decode()
    assert Registration.objects.filter(event=world.event).count() == 1


def test_registrations_are_rate_limited_per_client_address(client, world, settings):
    settings.CTXH_PORTAL_REGISTRATION_RATE_LIMIT = 2
    assert _post(client, world.event, email="a@example.org").status_code == 302
    assert _post(client, world.event, email="b@example.org").status_code == 302
    response = _post(client, world.event, email="c@example.org")
    assert response.status_code == 429 and response["Retry-After"] == "60"
    assert "Quá nhiều lượt gửi" in response.content.decode()
    # Another address is not limited; reading the page is never limited.
    other = client.post(
        reverse("portal:event", args=[world.event.pk]),
        {"full_name": "Khác", "email": "d@example.org"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert other.status_code == 302
    assert client.get(reverse("portal:event", args=[world.event.pk])).status_code == 200


def test_the_registration_needs_the_csrf_token_and_is_never_cached(world):
    from ctxh.cooperation.models import Registration

    browser = Client(enforce_csrf_checks=True)
    url = reverse("portal:event", args=[world.event.pk])
    refused = browser.post(url, {"full_name": "X", "email": "x@example.org"})
    assert refused.status_code == 403
    page = browser.get(url)
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        url, {"full_name": "X", "email": "x@example.org", "csrfmiddlewaretoken": token}
    )
    assert accepted.status_code == 302
    assert Registration.objects.filter(email="x@example.org").exists()
