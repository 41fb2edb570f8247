"""Test helpers shared by every app: accounts in a role, and the permission checks of a view.

The permission matrix
---------------------
Every named page of the project has at least one :class:`ViewCase` in :data:`PERMISSION_CASES`
(each app's ``tests/test_permissions.py`` registers its own; ``core/tests/test_url_permissions``
walks the URL map and fails listing any page without one). :func:`assert_view_permissions`
runs a case, for GET **and** POST:

* anonymous → redirect to the login page, and nothing written;
* a user of another organisation (``other_org``) → 404, and nothing written;
* a role without the action (``forbidden_role``) → 403, and nothing written;
* the allowed users → 200 (GET) and 200/302 (POST); an allowed POST that writes
  (``writes=True``) leaves a new audit event by that user; a read writes no audit event;
* a method the view does not take (``methods=("post",)``) → 405 for every signed-in user.

"Nothing written" is checked on the whole database — every table's rows, compared before and
after (sessions by count only: Django re-saves a session on every request) — and on the
files under ``MEDIA_ROOT``.

Users and objects come from :class:`PermissionWorld` (the ``permission_world`` fixture):
users are named by attribute (``"manager_a"``), objects are passed to the URL through the
case's ``kwargs`` factory. Adding a page is one line::

    register(ViewCase("workforce:detail", kwargs=lambda w: {"pk": w.person_a.pk},
                      allowed=("manager_a",), other_org=("manager_b",),
                      forbidden_role=("student",)))
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.test import Client

_counter = itertools.count(1)


def make_user(
    role: str | None = None,
    organization=None,
    *,
    username: str | None = None,
    password: str = "ctxh-test-pass-1",
    superuser: bool = False,
):
    """A user with one membership (or none), saved, with a known password."""
    from django.contrib.auth import get_user_model

    from ctxh.accounts.models import Membership

    user_model = get_user_model()
    user = user_model.objects.create_user(
        username=username or f"user{next(_counter)}",
        password=password,
        full_name="Người Dùng Thử",
        is_superuser=superuser,
    )
    if role and organization is not None:
        Membership.objects.create(user=user, organization=organization, role=role)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the declarative permission matrix --------------------------------------------------

METHODS = ("get", "post")


@dataclass(frozen=True)
class ViewCase:
    """How one named page answers each kind of user. Users are :class:`PermissionWorld`
    attribute names; ``kwargs`` and ``data`` are factories called with the world.

    ``data`` is the POST body: give a *valid* one, so that a refusal is the permission's and
    not the form's (the refused users send the same body). The allowed POST is sent by the
    first allowed user only; the other allowed users are checked with GET.
    ``writes``: ``True`` — the allowed POST leaves an audit event by its user; a model class —
    it adds a row of that model (starting a job is not a change of the programme's data,
    so it is not audited); ``False`` — it leaves no audit event.
    ``allowed_status``: one status for both methods or ``{"get": 200, "post": 302}``; by
    default 200 for GET and, for POST, 302 when it writes, else 200.
    ``everyone``: every signed-in user may (home, own password): no 403 to test.
    """

    url_name: str
    kwargs: Callable[[Any], dict] | None = None
    allowed: tuple[str, ...] = ()
    other_org: tuple[str, ...] = ()
    forbidden_role: tuple[str, ...] = ()
    methods: tuple[str, ...] = METHODS
    data: Callable[[Any], dict] | None = None
    query: Mapping[str, str] | None = None
    headers: Mapping[str, str] | None = None
    allowed_status: int | Mapping[str, int] | None = None
    writes: bool | type = False
    everyone: bool = False
    label: str = ""
    #: Audit actions a read must write (a download of personal data is logged).
    logs: tuple[str, ...] = ()

    def __post_init__(self):
        problems = []
        if not self.allowed:
            problems.append("name at least one allowed user")
        if not self.forbidden_role and not self.everyone:
            problems.append("name a forbidden_role (or say everyone=True)")
        if not set(self.methods) <= set(METHODS) or not self.methods:
            problems.append(f"methods must be among {METHODS}")
        if self.writes and "post" not in self.methods:
            problems.append("writes=… needs the POST method")
        if problems:
            raise ValueError(f"ViewCase {self.id}: " + "; ".join(problems))

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.label}]" if self.label else self.url_name

    def __str__(self) -> str:
        return self.id

    def expected(self, method: str) -> int:
        if isinstance(self.allowed_status, int):
            return self.allowed_status
        if isinstance(self.allowed_status, Mapping) and method in self.allowed_status:
            return self.allowed_status[method]
        return 302 if method == "post" and self.writes else 200


#: URL name → its cases. Filled by each app's ``tests/test_permissions.py``.
PERMISSION_CASES: dict[str, list[ViewCase]] = {}

#: The test modules that register cases (the URL-map walk imports them all).
PERMISSION_MODULES_SUFFIX = "tests.test_permissions"


def register(*cases: ViewCase) -> list[ViewCase]:
    """Add ``cases`` to :data:`PERMISSION_CASES`; returns them, for ``parametrize``."""
    for case in cases:
        existing = PERMISSION_CASES.setdefault(case.url_name, [])
        if case in existing:
            continue
        if any(other.id == case.id for other in existing):
            raise ValueError(f"Two permission cases named {case.id}; give one a label")
        existing.append(case)
    return list(cases)


def load_permission_cases() -> dict[str, list[ViewCase]]:
    """Import every app's ``tests/test_permissions.py`` and return the registry."""
    import importlib
    import importlib.util

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("ctxh."):
            continue
        name = f"{config.name}.{PERMISSION_MODULES_SUFFIX}"
        with contextlib.suppress(ModuleNotFoundError):
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
    return PERMISSION_CASES


class PermissionWorld:
    """A small programme, independent of the demo data, with a user in every position the
    matrix needs. Users: ``programme`` and ``viewer`` (city-wide), ``manager_a`` /
    ``manager_b`` (facility A / B), ``ward_officer_a`` (ward A's office), ``student`` (a
    school), ``nobody`` (signed in, no membership). Objects: ``facility_a``/``facility_b``
    (facility A serves children), ``person_a`` (employed at A, ``employment_a``),
    ``person_b`` (at B), ``job_a`` (a finished export of manager A with its file),
    ``import_check_a`` (a clean check of people by manager A, ready to commit) and
    ``import_rejected_a`` (a check with its file of rejected rows).
    """

    USERS = (
        "programme",
        "viewer",
        "manager_a",
        "manager_b",
        "ward_officer_a",
        "student",
        "nobody",
        # The practicum's (ctxh.practicum.tests.world).
        "coordinator",
        "coordinator_b",
        "student_b",
        "instructor_a",
        # The monitoring's (ctxh.monitoring.tests.world).
        "ward_officer_b",
        # The training's (ctxh.training.tests.world).
        "trainer",
        "trainer_b",
        "person_user_a",
        "past_student_a",  # placement_a's student (practicum acceptance)
        "practice_student_a",  # practice_a's student (practicum part 2, in practice)
        "completed_student",  # completed_a's student (practicum part 2)
        "practising_student",  # placement_practice's student (logbook, agreement)
        "instructor_a2",  # another field instructor of facility A
    )

    def __init__(self):
        import datetime as dt

        from django.conf import settings
        from django.core.files.base import ContentFile

        from ctxh.core.models import Job
        from ctxh.geo.models import Province, Ward
        from ctxh.organizations.models import TargetGroup
        from ctxh.organizations.tests.factories import FacilityFactory, OrganizationFactory
        from ctxh.workforce.tests.factories import PersonFactory, employ

        province, _ = Province.objects.get_or_create(
            code=settings.CTXH_PROVINCE,
            defaults={"name": "Thành phố Thử", "division_type": "thành phố", "codename": "thu"},
        )
        self.ward_a = Ward.objects.create(
            code=990001, name="Phường Thử A", kind="phuong", codename="a", province=province
        )
        self.ward_b = Ward.objects.create(
            code=990002, name="Phường Thử B", kind="phuong", codename="b", province=province
        )
        self.agency = OrganizationFactory(code="PERM-AGENCY", kind="agency", name="Sở Thử")
        self.facility_a = FacilityFactory(code="PERM-FAC-A", name="Cơ sở A", ward=self.ward_a)
        self.facility_b = FacilityFactory(code="PERM-FAC-B", name="Cơ sở B", ward=self.ward_b)
        self.facility_a.facility.target_groups.set(TargetGroup.objects.filter(code="children"))
        self.ward_office_a = OrganizationFactory(
            code="PERM-UBND-A", kind="ward_office", name="UBND Phường Thử A", ward=self.ward_a
        )
        self.school = OrganizationFactory(code="PERM-SCHOOL", kind="school", name="Trường Thử")

        self.programme = make_user("programme_office", self.agency)
        self.viewer = make_user("viewer", self.agency)
        self.manager_a = make_user("facility_manager", self.facility_a)
        self.manager_b = make_user("facility_manager", self.facility_b)
        self.ward_officer_a = make_user("ward_officer", self.ward_office_a)
        self.student = make_user("student", self.school)
        self.nobody = make_user()

        self.person_a = PersonFactory(
            full_name="Nguyễn Thị Ánh", gender="female", cccd="079190001234"
        )
        self.employment_a = employ(self.person_a, self.facility_a, position="Nhân viên CTXH")
        self.person_b = PersonFactory(full_name="Trần Văn Bảo")
        employ(self.person_b, self.facility_b)

        done = {
            "status": Job.Status.DONE,
            "progress": 100,
            "finished_at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        }
        self.job_a = Job(
            kind="organizations.export_xlsx",
            title="Xuất",
            created_by=self.manager_a,
            result={"filename": "to-chuc.xlsx"},
            **done,
        )
        self.job_a.result_file.save("to-chuc.xlsx", ContentFile(b"PK-export"), save=True)
        counts = {"total": 1, "new": 1, "updated": 0, "unchanged": 0, "rejected": 0}
        self.import_check_a = Job.objects.create(
            kind="import.preview",
            title="Kiểm tra nhập",
            created_by=self.manager_a,
            params={"kind": "people", "upload": "imports/perm.xlsx", "filename": "perm.xlsx"},
            result={"counts": counts},
            **done,
        )
        self.import_rejected_a = Job(
            kind="import.preview",
            title="Kiểm tra nhập (lỗi)",
            created_by=self.manager_a,
            params={"kind": "people", "upload": "imports/bad.xlsx", "filename": "bad.xlsx"},
            result={"counts": {**counts, "new": 0, "rejected": 1}, "filename": "bad.errors.xlsx"},
            **done,
        )
        self.import_rejected_a.result_file.save(
            "bad.errors.xlsx", ContentFile(b"PK-errors"), save=True
        )
        from ctxh.cooperation.tests.world import add_cooperation
        from ctxh.cooperation.tests.world_events import add_events
        from ctxh.monitoring.tests.world import add_monitoring
        from ctxh.practicum.tests.world import add_practicum
        from ctxh.training.tests.world import add_training

        for add in (add_practicum, add_training, add_monitoring, add_cooperation, add_events):
            self._extend(add)
        self._clients: dict[str, Client] = {}

    def _extend(self, add) -> None:
        """Let an app add its objects; one that rebinds a name another app set (two apps
        calling different things ``practice_a``) fails here, not in a puzzling test."""
        before = dict(vars(self))
        add(self)
        rebound = sorted(k for k, v in before.items() if vars(self).get(k) is not v)
        if rebound:
            raise RuntimeError(f"{add.__module__}.{add.__name__} rebinds {rebound}")

    def user(self, name: str):
        if name not in self.USERS and not hasattr(self, name):
            raise AttributeError(f"The permission world has no user {name!r}")
        return getattr(self, name)

    def client(self, name: str | None) -> Client:
        """A signed-in client for the user ``name`` (an anonymous one for None), reused."""
        if name is None:
            return Client()
        if name not in self._clients:
            self._clients[name] = client_for(self.user(name))
        return self._clients[name]


def database_snapshot() -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of its rows (sessions: the count only), and
    the files under ``MEDIA_ROOT`` — to prove a refused request wrote nothing."""
    from django.apps import apps
    from django.conf import settings
    from django.db import connection

    quote = connection.ops.quote_name  # table names come from the models, quoted: no input
    snapshot: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            meta = model._meta
            if meta.proxy or not meta.managed or meta.db_table in snapshot:
                continue
            if meta.db_table == "django_session":
                cursor.execute(f"SELECT COUNT(*) FROM {quote(meta.db_table)}")  # noqa: S608
                snapshot[meta.db_table] = (cursor.fetchone()[0], "")
                continue
            table, pk = quote(meta.db_table), quote(meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608
            rows = cursor.fetchall()
            digest = hashlib.sha1(repr(rows).encode(), usedforsecurity=False).hexdigest()
            snapshot[meta.db_table] = (len(rows), digest)
    media = str(settings.MEDIA_ROOT)
    files = sorted(
        os.path.relpath(os.path.join(root, name), media)
        for root, _dirs, names in os.walk(media)
        for name in names
    )
    snapshot["<MEDIA_ROOT files>"] = (len(files), "\n".join(files))
    return snapshot


def _changed(before: dict, after: dict) -> list[str]:
    return [
        f"{table}: {before.get(table, (0, ''))[0]} → {after.get(table, (0, ''))[0]} rows"
        + ("" if before.get(table, (0,))[0] != after.get(table, (0,))[0] else " (changed)")
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    ]


def _last_audit_pk() -> int:
    from ctxh.core.models import AuditEvent

    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _send(client: Client, method: str, url: str, case: ViewCase | None, data, query=None):
    headers = dict(case.headers or {}) if case else {}
    if method == "get":
        return client.get(url, query or {}, headers=headers)
    if query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(query)}"
    return client.post(url, data or {}, headers=headers)


def _assert_refused(label: str, response, expected: int | str, before: dict) -> None:
    from django.conf import settings
    from django.shortcuts import resolve_url

    if expected == "login":
        login = resolve_url(settings.LOGIN_URL)
        assert response.status_code == 302, f"{label}: {response.status_code}, not a redirect"
        assert response["Location"].startswith(login), f"{label}: to {response['Location']}"
    else:
        assert response.status_code == expected, f"{label}: {response.status_code}, not {expected}"
    changed = _changed(before, database_snapshot())
    assert not changed, f"{label} was refused but wrote: " + "; ".join(changed)


def _refused(case, world, url, method, name, expected) -> None:
    client = world.client(name)  # signed in before the snapshot (login writes)
    data = case.data(world) if case.data else None
    before = database_snapshot()
    response = _send(client, method, url, case, data, case.query)
    who = name or "anonymous"
    _assert_refused(f"{method.upper()} {url} by {who}", response, expected, before)


def _allowed(case, world, url, method, name) -> None:
    from ctxh.core.models import AuditEvent

    client = world.client(name)
    data = case.data(world) if case.data else None
    last_audit = _last_audit_pk()
    counted = case.writes if isinstance(case.writes, type) else None
    rows = counted.objects.count() if counted else 0
    response = _send(client, method, url, case, data, case.query)
    label = f"{method.upper()} {url} by {name} (allowed)"
    expected = case.expected(method)
    body = "" if response.streaming else response.content.decode(errors="replace")[:1500]
    assert response.status_code == expected, (
        f"{label}: {response.status_code}, not {expected}\n{body}"
    )
    new_events = AuditEvent.objects.filter(pk__gt=last_audit)
    if method == "post" and case.writes is True:
        assert new_events.filter(actor=world.user(name)).exists(), f"{label}: no audit event"
    elif counted is not None and method == "post":
        assert counted.objects.count() > rows, f"{label}: no new {counted._meta.label}"
    else:
        written = list(new_events.values_list("action", flat=True))
        if case.logs and method == "get":
            missing = [a for a in case.logs if a not in written]
            assert not missing, f"{label}: the read did not log {missing}"
        unexpected = [a for a in written if a not in case.logs]
        assert not unexpected, f"{label}: a read wrote audit events {unexpected}"


def assert_view_permissions(
    url: str | ViewCase,
    world: PermissionWorld | None = None,
    *,
    allowed=None,
    other_organization=None,
    forbidden_role=None,
    method: str = "get",
    data: dict | None = None,
    allowed_status: int = 200,
) -> None:
    """Check a page's answers to each kind of user.

    With a :class:`ViewCase` and the world: the whole matrix, GET and POST (see the module
    docstring). With a URL and users (the older form, one method): anonymous → login,
    ``other_organization`` → 404, ``forbidden_role`` → 403 — each refusal writing nothing —
    and ``allowed`` → ``allowed_status``.
    """
    if isinstance(url, ViewCase):
        assert world is not None, "a ViewCase runs in a PermissionWorld"
        _assert_case(url, world)
        return
    refusals = [(None, "login"), (other_organization, 404), (forbidden_role, 403)]
    for user, expected in refusals:
        if user is None and expected != "login":
            continue
        client = Client() if user is None else client_for(user)
        before = database_snapshot()
        response = _send(client, method, url, None, data, None)
        who = "anonymous" if user is None else f"user {user.username}"
        _assert_refused(f"{method.upper()} {url} by {who}", response, expected, before)
    if allowed is not None:
        response = getattr(client_for(allowed), method)(url, data or {})
        assert response.status_code == allowed_status, f"allowed {url}: {response.status_code}"


def _assert_case(case: ViewCase, world: PermissionWorld) -> None:
    from django.urls import reverse

    url = reverse(case.url_name, kwargs=case.kwargs(world) if case.kwargs else None)
    for method in METHODS:
        _refused(case, world, url, method, None, "login")
        if method not in case.methods:
            for name in (*case.allowed, *case.other_org, *case.forbidden_role):
                _refused(case, world, url, method, name, 405)
            continue
        for name in case.other_org:
            _refused(case, world, url, method, name, 404)
        for name in case.forbidden_role:
            _refused(case, world, url, method, name, 403)
        for name in case.allowed if method == "get" else case.allowed[:1]:
            _allowed(case, world, url, method, name)


# --- jobs and browsers ------------------------------------------------------------------


@contextlib.contextmanager
def job_handler(kind: str, func) -> Iterator[None]:
    """Register ``func`` as the handler of ``kind`` for the duration of a test only (the
    handler registered before, if any, is put back)."""
    from ctxh.core import jobs

    previous = jobs.unregister(kind)
    jobs.handler(kind)(func)
    try:
        yield
    finally:
        jobs.unregister(kind)
        if previous is not None:
            jobs.handler(kind)(previous)


def chromium_executable() -> str:
    """Debian's Chromium for the browser tests: skipped when it is missing — except in CI
    (``CI=true``), where a missing browser fails the run instead of hiding the journeys."""
    import shutil

    import pytest

    executable = shutil.which("chromium")
    if executable:
        return executable
    message = "Debian's chromium is not installed (make test installs it as root)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; in CI the browser tests must run", pytrace=False)
    pytest.skip(message)
    raise AssertionError("unreachable")


__all__ = [
    "PERMISSION_CASES",
    "PermissionWorld",
    "ViewCase",
    "assert_view_permissions",
    "chromium_executable",
    "client_for",
    "database_snapshot",
    "job_handler",
    "load_permission_cases",
    "make_user",
    "register",
]
