"""The client's address behind the reverse proxy: sign-in lockouts and the audit trail."""

import pytest
from django.test import Client, RequestFactory

from ctxh.core.clientip import client_ip
from ctxh.core.models import AuditEvent
from ctxh.testing import make_user

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings):
    settings.CTXH_TRUSTED_PROXIES = [PROXY, "10.9.0.0/16"]
    return settings


def _ip(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.CTXH_TRUSTED_PROXIES = []
    assert _ip("198.51.100.9", "203.0.113.7") == "198.51.100.9"


@pytest.mark.usefixtures("behind_proxy")
@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        (PROXY, "203.0.113.7", "203.0.113.7"),
        # the client forged a first hop: the proxy appended the real address on the right
        (PROXY, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        # two trusted proxies in a row (one in the trusted network)
        (PROXY, "203.0.113.7, 10.9.4.4", "203.0.113.7"),
        (PROXY, "2001:db8::7", "2001:db8::7"),
        (PROXY, "203.0.113.7:5050", "203.0.113.7"),
        # a request from outside the proxies: its header is a lie
        ("198.51.100.9", "203.0.113.7", "198.51.100.9"),
        # nothing usable: the proxy's own address
        (PROXY, "", PROXY),
        (PROXY, "not-an-ip", PROXY),
        (PROXY, "10.9.1.1", PROXY),
    ],
)
def test_right_most_untrusted_address_is_the_client(remote, forwarded, expected):
    assert _ip(remote, forwarded) == expected


def _sign_in(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_one_client_behind_the_proxy_cannot_lock_out_another(behind_proxy):
    behind_proxy.AXES_FAILURE_LIMIT = 3
    make_user(username="lan", password="dung-mat-khau-1")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _ in range(3):
        _sign_in(attacker, "lan", "sai")
    locked = _sign_in(attacker, "lan", "dung-mat-khau-1")
    assert locked.status_code == 429  # the attacker's address is locked
    response = _sign_in(colleague, "lan", "dung-mat-khau-1")
    assert response.status_code == 302 and response["Location"] == "/"
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.66"}


@pytest.mark.django_db
def test_without_the_setting_everyone_behind_the_proxy_shares_one_lock(settings):
    settings.CTXH_TRUSTED_PROXIES = []
    settings.AXES_FAILURE_LIMIT = 3
    make_user(username="lan", password="dung-mat-khau-1")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    for _ in range(3):
        _sign_in(attacker, "lan", "sai")
    assert _sign_in(colleague, "lan", "dung-mat-khau-1").status_code == 429


@pytest.mark.django_db
def test_the_audit_trail_records_the_real_client(behind_proxy, programme_user, facility_a):
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    client.force_login(programme_user)
    data = {
        "code": facility_a.code,
        "name": "Tên mới",
        "kind": facility_a.kind,
        "ownership": "public",
        "active": "on",
        "facility-capacity": "200",
    }
    response = client.post(f"/organizations/{facility_a.pk}/edit/", data)
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="organization.update").ip_address == "203.0.113.7"
    # the same header from a machine that is not a proxy is ignored
    spoofer = Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="203.0.113.7")
    spoofer.force_login(programme_user)
    spoofer.post(f"/organizations/{facility_a.pk}/edit/", {**data, "name": "Tên khác"})
    latest = AuditEvent.objects.filter(action="organization.update").first()
    assert latest.new_values["name"] == "Tên khác"
    assert latest.ip_address == "198.51.100.9"


def test_a_typo_in_the_setting_stops_the_start(monkeypatch, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from ctxh.core.tests.test_cache_and_sessions import _settings_with

    with pytest.raises(ImproperlyConfigured, match="CTXH_TRUSTED_PROXIES"):
        _settings_with({"CTXH_TRUSTED_PROXIES": "10.0.0.300"}, monkeypatch, tmp_path)
    read = _settings_with({"CTXH_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16"}, monkeypatch, tmp_path)
    assert read.CTXH_TRUSTED_PROXIES == ["10.0.0.5", "10.1.0.0/16"]
