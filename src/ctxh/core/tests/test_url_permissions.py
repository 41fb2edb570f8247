"""Every page of the URL map has a permission case (``ctxh.testing.PERMISSION_CASES``).

A new view without one fails here, listing it: add a ``ViewCase`` to its app's
``tests/test_permissions.py``.
"""

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from ctxh.testing import PermissionWorld, load_permission_cases

#: Pages outside the matrix: the Django admin (superusers only, Django's own checks),
#: sign-in and sign-out, and the language switch — all open to anonymous users.
# portal: the public pages (no sign-in, by design, public facts only): portal/tests.
EXCLUDED_NAMESPACES = {"admin", "portal"}
# accounts:set-password is public by design (the one-time link is its key): its
# answers are tested in accounts/tests/test_administration.py.
# verify and verify_lookup are the public verification of documents (no sign-in, by design;
# rate-limited): their answers are tested in documents/tests/test_documents.py.
EXCLUDED_NAMES = {
    "login",
    "logout",
    "set_language",
    "accounts:set-password",
    "verify",
    "verify_lookup",
}


def named_patterns(patterns=None, namespace: str = "", prefix: str = "") -> dict[str, str]:
    """``{"namespace:name": "route"}`` of every named pattern, walked recursively."""
    found: dict[str, str] = {}
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in EXCLUDED_NAMESPACES:
                continue
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found.update(named_patterns(entry.url_patterns, inner, prefix + str(entry.pattern)))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            found.setdefault(name, prefix + str(entry.pattern))
    return found


def pages() -> dict[str, str]:
    return {
        name: route
        for name, route in named_patterns().items()
        if name not in EXCLUDED_NAMES and name.split(":")[0] not in EXCLUDED_NAMESPACES
    }


def test_the_walk_finds_the_pages():
    found = pages()
    for name in ("home", "accounts:members", "core:job-download", "imports:commit"):
        assert name in found
    assert "login" not in found and not any(n.startswith("admin:") for n in found)
    assert len(found) >= 30


def test_every_page_has_a_permission_case():
    cases = load_permission_cases()
    missing = sorted(f"{name} (/{route})" for name, route in pages().items() if name not in cases)
    assert not missing, "Pages without a permission case (add a ViewCase): " + ", ".join(missing)


def test_every_case_names_a_page_and_users_of_the_world():
    cases = load_permission_cases()
    known = pages()
    stale = sorted(name for name in cases if name not in known)
    assert not stale, f"Permission cases for pages that do not exist: {stale}"
    users = set(PermissionWorld.USERS)
    for name, entries in cases.items():
        for case in entries:
            named = {*case.allowed, *case.other_org, *case.forbidden_role}
            assert named <= users, f"{case.id}: unknown users {named - users}"
            if case.kwargs is None:
                try:
                    reverse(name)
                except NoReverseMatch as exc:  # the page takes arguments: say which object
                    raise AssertionError(f"{case.id} needs kwargs") from exc
