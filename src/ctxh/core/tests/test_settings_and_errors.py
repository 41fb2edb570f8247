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
