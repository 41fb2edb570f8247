import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import path

from ctxh.urls import urlpatterns as real_urlpatterns


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), *real_urlpatterns]
handler500 = "ctxh.core.views.error_500"


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "CTXH_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ctxh.settings",
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in result.stderr


def test_production_settings_are_secure(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "CTXH_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ctxh.settings",
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["True", "True", "True"]


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_crash_shows_the_vietnamese_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Hệ thống gặp sự cố" in response.content.decode()


DEMO_SMOKE = """
import django
django.setup()
from django.conf import settings as s
from django.test import Client

print("settings", s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,
      s.SECURE_HSTS_SECONDS, ",".join(s.ALLOWED_HOSTS))
client = Client(raise_request_exception=False)
css = client.get("/static/ctxh/app.css", HTTP_HOST="127.0.0.1:8000")
print("static", css.status_code, b"".join(css.streaming_content).count(b".bg-ctxh"))
page = client.get("/no-such-page/", HTTP_HOST="localhost:8000")
print("404", page.status_code)
print(page.content.decode())
"""


def test_the_demo_runs_without_debug_over_plain_http(tmp_path):
    """`make demo` (DEBUG=0 CTXH_DEMO=1): no secret key to set, cookies that work on
    http://127.0.0.1, static files served, and the Vietnamese 404 — never the debug page."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "CTXH_DEMO": "1",
        "CTXH_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ctxh.settings",
    }
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CTXH_SECURE_COOKIES"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", DEMO_SMOKE], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "settings False False False False 0 127.0.0.1,localhost,testserver"
    assert lines[1] == "static 200 1"
    assert lines[2] == "404 404"
    page = "\n".join(lines[3:])
    assert "không tồn tại" in page and 'lang="vi"' in page
    assert "URLconf" not in page and "DEBUG = True" not in page
    assert (tmp_path / "secret_key").exists()  # generated once, kept in var/
