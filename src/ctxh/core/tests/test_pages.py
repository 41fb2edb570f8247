import pytest
from django.test import Client

from ctxh.testing import client_for

pytestmark = pytest.mark.django_db


def test_csp_and_security_headers(programme_user):
    response = client_for(programme_user).get("/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_page_is_a_vietnamese_404(programme_user, settings):
    settings.DEBUG = False
    response = client_for(programme_user).get("/organizations/999999/")
    assert response.status_code == 404
    assert "không tồn tại" in response.content.decode()


def test_stale_csrf_token_gets_a_friendly_page(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "hết hạn" in response.content.decode()


def test_english_is_available(programme_user):
    client = client_for(programme_user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Welcome" in client.get("/").content.decode()


def test_vietnamese_even_when_the_browser_asks_for_english(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/login/")
    assert "Đăng nhập" in page.content.decode()


def test_static_files_collect_for_production(tmp_path, settings):
    """The manifest storage used with DEBUG=0 must find every file the assets reference."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--no-input", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()


def test_only_the_most_specific_menu_entry_is_active(programme_user):
    from ctxh.core.navigation import navigation_for

    class Request:
        path = "/audit/"
        user = programme_user

    active = [e["label"] for e in navigation_for(Request()) if e["active"]]
    assert len(active) == 1
