"""Cache and sessions: Redis when REDIS_URL is set, the database otherwise."""

import os

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings

from ctxh.settings import cache_settings
from ctxh.testing import make_user

TEST_REDIS_URL = (
    os.environ.get("CTXH_TEST_REDIS_URL")
    or os.environ.get("REDIS_URL")
    or "redis://127.0.0.1:6379/3"
)


def _settings_with(env: dict, monkeypatch, tmp_path):
    """A fresh copy of the settings module read under ``env``."""
    import importlib.util

    import ctxh.settings

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CTXH_VAR_DIR", str(tmp_path))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("ctxh_settings_copy", ctxh.settings.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_redis_url_moves_cache_and_sessions_to_redis(monkeypatch, tmp_path):
    read = _settings_with({"REDIS_URL": "redis://cache.internal:6379/0"}, monkeypatch, tmp_path)
    assert read.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert read.CACHES["default"]["LOCATION"] == "redis://cache.internal:6379/0"
    assert read.SESSION_ENGINE == "django.contrib.sessions.backends.cache"
    read = _settings_with({}, monkeypatch, tmp_path)
    assert read.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert read.SESSION_ENGINE == "django.contrib.sessions.backends.db"


@pytest.mark.django_db
def test_without_redis_the_cache_is_a_database_table():
    cache.set("ctxh-probe", {"n": 1})
    assert cache.get("ctxh-probe") == {"n": 1}
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM ctxh_cache")
        assert cursor.fetchone()[0] >= 1


@pytest.mark.django_db
def test_migrate_creates_the_cache_table():
    from ctxh.core.apps import create_cache_table

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE ctxh_cache")
    create_cache_table(sender=None, using="default")
    assert "ctxh_cache" in connection.introspection.table_names()


def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis does not answer at {TEST_REDIS_URL}")
    return client


@pytest.mark.django_db
def test_with_redis_sessions_and_cache_really_live_in_redis():
    server = _redis()
    caches, session_engine = cache_settings(TEST_REDIS_URL)
    caches["default"]["KEY_PREFIX"] = "ctxh-test"
    try:
        with override_settings(CACHES=caches, SESSION_ENGINE=session_engine):
            cache.set("probe", "xin chào", 30)
            assert server.get("ctxh-test:1:probe") is not None
            assert cache.get("probe") == "xin chào"

            make_user(username="mai", password="mat-khau-dai-1")
            client = Client()
            response = client.post("/login/", {"username": "mai", "password": "mat-khau-dai-1"})
            assert response.status_code == 302
            key = client.cookies["sessionid"].value
            assert server.exists(f"ctxh-test:1:django.contrib.sessions.cache{key}")
            from django.contrib.sessions.models import Session

            assert not Session.objects.exists()  # nothing went to the database
            assert client.get("/").status_code == 200  # the session is read back from Redis
    finally:
        for name in server.scan_iter("ctxh-test:*"):
            server.delete(name)
