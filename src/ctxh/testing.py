"""Test helpers shared by every app: accounts in a role, and the permission checks of a view.

``assert_view_permissions`` is the generic permission test: anonymous → login redirect;
a user of another organisation → 404; a role without the action → 403; allowed → 200.
Each app's view tests are then mostly data.
"""

from __future__ import annotations

import itertools

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


def assert_view_permissions(
    url: str,
    *,
    allowed=None,
    other_organization=None,
    forbidden_role=None,
    method: str = "get",
    data: dict | None = None,
    allowed_status: int = 200,
) -> None:
    """Check the four answers of a scoped view. Pass the users that apply to this view."""
    anonymous = getattr(Client(), method)(url, data or {})
    assert anonymous.status_code == 302, f"anonymous {url}: {anonymous.status_code}"
    assert "/login/" in anonymous["Location"], anonymous["Location"]
    if other_organization is not None:
        response = getattr(client_for(other_organization), method)(url, data or {})
        assert response.status_code == 404, f"other organisation {url}: {response.status_code}"
    if forbidden_role is not None:
        response = getattr(client_for(forbidden_role), method)(url, data or {})
        assert response.status_code == 403, f"role without the action {url}: {response.status_code}"
    if allowed is not None:
        response = getattr(client_for(allowed), method)(url, data or {})
        assert response.status_code == allowed_status, f"allowed {url}: {response.status_code}"
