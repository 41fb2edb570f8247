import pytest
from django.test import Client

from ctxh.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese(db):
    page = Client().get("/login/").content.decode()
    assert "Đăng nhập" in page


def test_wrong_password_says_so_in_vietnamese(programme_user):
    response = Client().post("/login/", {"username": programme_user.username, "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu" in response.content.decode().lower()


def test_lockout_after_repeated_failures(programme_user):
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": programme_user.username, "password": "sai"})
    response = client.post(
        "/login/", {"username": programme_user.username, "password": "ctxh-test-pass-1"}
    )
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()


def test_login_then_home_then_logout(programme_user):
    client = Client()
    response = client.post(
        "/login/", {"username": programme_user.username, "password": "ctxh-test-pass-1"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "Sở Y tế" in home
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_home_requires_login(db):
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_admin_is_for_superusers_only(programme_user):
    assert client_for(programme_user).get("/admin/").status_code == 302
    root = make_user(superuser=True)
    root.is_staff = True
    root.save()
    assert client_for(root).get("/admin/").status_code == 200


def test_password_change_validates(programme_user):
    client = client_for(programme_user)
    response = client.post(
        "/accounts/password/",
        {"old_password": "ctxh-test-pass-1", "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "ctxh-test-pass-1",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302


def test_menu_follows_the_role(programme_user, manager_a, student_a):
    assert "/audit/" in client_for(programme_user).get("/").content.decode()
    assert "/audit/" not in client_for(manager_a).get("/").content.decode()
    assert "/accounts/members/" not in client_for(student_a).get("/").content.decode()
