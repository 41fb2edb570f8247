"""The test helpers themselves must be able to fail: the snapshot sees any write, a case
that proves nothing is refused, a missing browser fails in CI."""

import pytest

from ctxh.core.models import AuditEvent
from ctxh.testing import ViewCase, chromium_executable, database_snapshot

pytestmark = pytest.mark.django_db


def test_the_snapshot_sees_inserts_updates_and_files(permission_world, settings):
    from ctxh.testing import _changed

    before = database_snapshot()
    assert _changed(before, database_snapshot()) == []
    events = AuditEvent.objects.count()  # the world's services may have audited already
    AuditEvent.objects.create(action="x", object_type="y")
    assert _changed(before, after := database_snapshot()) == [
        f"core_auditevent: {events} → {events + 1} rows"
    ]
    person = permission_world.person_a
    people = type(person).objects.count()  # the world's apps add people of their own
    type(person).objects.filter(pk=person.pk).update(phone="0900000000")
    assert _changed(after, updated := database_snapshot()) == [
        f"workforce_person: {people} → {people} rows (changed)"
    ]
    files = updated["<MEDIA_ROOT files>"][0]
    (settings.MEDIA_ROOT / "stray.txt").write_text("x")
    assert _changed(updated, database_snapshot()) == [
        f"<MEDIA_ROOT files>: {files} → {files + 1} rows"
    ]


@pytest.mark.parametrize(
    "kwargs,problem",
    [
        ({}, "allowed user"),
        ({"allowed": ("programme",)}, "forbidden_role"),
        ({"allowed": ("programme",), "everyone": True, "methods": ()}, "methods"),
        (
            {"allowed": ("programme",), "everyone": True, "methods": ("get",), "writes": True},
            "POST",
        ),
    ],
)
def test_a_case_that_would_prove_nothing_is_refused(kwargs, problem):
    with pytest.raises(ValueError, match=problem):
        ViewCase("home", **kwargs)


def test_default_statuses():
    read = ViewCase("home", allowed=("nobody",), everyone=True)
    write = ViewCase("home", allowed=("nobody",), everyone=True, writes=True)
    assert (read.expected("get"), read.expected("post")) == (200, 200)
    assert (write.expected("get"), write.expected("post")) == (200, 302)


def test_a_missing_chromium_skips_locally_and_fails_in_ci(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        chromium_executable()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="in CI the browser tests must run"):
        chromium_executable()
