"""The public portal answers without login."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_public_home_needs_no_login(client):
    response = client.get("/public/")
    assert response.status_code == 200
