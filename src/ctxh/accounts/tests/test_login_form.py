"""The sign-in form names its action, and signing in through it keeps the page asked for."""

import re

import pytest
from django.test import Client

from ctxh.testing import make_user

pytestmark = pytest.mark.django_db


def test_the_login_form_posts_to_the_login_url_and_keeps_next(programme_user):
    make_user(
        "programme_office",
        programme_user.memberships.get().organization,
        username="thu",
        password="mat-khau-dai-1",
    )
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login/", {"next": "/audit/"}).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)"', page)
    assert form and form.group(1) == "/login/"
    assert 'name="next" value="/audit/"' in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post(
        form.group(1),
        {
            "csrfmiddlewaretoken": token,
            "username": "thu",
            "password": "mat-khau-dai-1",
            "next": "/audit/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/audit/"
