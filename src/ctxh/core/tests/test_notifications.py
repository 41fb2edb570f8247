"""Notifications: rows and e-mail from notify(), only after commit when asked so, in the
recipient's language; the list, opening one, marking read; the navbar's unread count."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ctxh.core import notifications
from ctxh.core.models import Notification
from ctxh.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def _user(email="", language="vi"):
    user = make_user()
    user.email = email
    user.language = language
    user.save()
    return user


def test_notify_writes_one_row_and_one_mail_per_recipient():
    a, b, no_mail = _user("a@example.vn"), _user("b@example.vn"), _user()
    count = notifications.notify(
        users=[a, b, no_mail, a], title="Tiêu đề", body="Nội dung", url="/practicum/"
    )
    assert count == 3
    assert Notification.objects.filter(recipient=a).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.vn", "b@example.vn"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the others' addresses
    assert "Nội dung" in mail.outbox[0].body
    assert "/practicum/" in mail.outbox[0].body


def test_notify_without_email_and_with_a_foreign_url():
    a = _user("a@example.vn")
    notifications.notify(users=[a], title="X", url="https://evil.example/", email=False)
    assert mail.outbox == []
    assert Notification.objects.get(recipient=a).url == ""


def test_each_recipient_reads_their_language():
    vi, en = _user("vi@example.vn", "vi"), _user("en@example.vn", "en")
    title = notifications.translatable(_("Page %(n)s of %(total)s"), n=1, total=2)
    notifications.notify(users=[vi, en], title=title)
    assert Notification.objects.get(recipient=en).title == "Page 1 of 2"
    assert Notification.objects.get(recipient=vi).title != "Page 1 of 2"


@pytest.mark.django_db(transaction=True)
def test_on_commit_only_after_commit():
    a = _user("a@example.vn")
    with transaction.atomic():
        transaction.on_commit(lambda: notifications.notify(users=[a], title="Sau khi lưu"))
        assert Notification.objects.count() == 0
        assert mail.outbox == []
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    try:
        with transaction.atomic():
            transaction.on_commit(lambda: notifications.notify(users=[a], title="Không"))
            raise RuntimeError
    except RuntimeError:
        pass
    assert Notification.objects.count() == 1


def test_mark_read_touches_only_the_users_own():
    a, b = _user(), _user()
    notifications.notify(users=[a, b], title="Một")
    notifications.notify(users=[a], title="Hai")
    first = Notification.objects.filter(recipient=a).last()
    assert notifications.mark_read(user=b, notification=first) == 0
    assert notifications.mark_read(user=a, notification=first) == 1
    assert notifications.unread_count(a) == 1
    assert notifications.mark_read(user=a) == 1
    assert notifications.unread_count(a) == 0
    assert notifications.unread_count(b) == 1


def test_pages_badge_open_and_mark_all(django_assert_num_queries):
    a = _user()
    notifications.notify(users=[a], title="Đề xuất mới", url="/practicum/")
    notifications.notify(users=[a], title="Nhắc việc")
    client = client_for(a)
    page = client.get(reverse("core:notifications"))
    html = page.content.decode()
    assert 'data-testid="unread-count">2' in html
    assert "Đề xuất mới" in html and "list-group-item-warning" in html
    first = Notification.objects.get(title="Đề xuất mới")
    response = client.get(reverse("core:notification_open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/practicum/"
    first.refresh_from_db()
    assert first.read_at is not None
    other = Notification.objects.get(title="Nhắc việc")
    assert client.get(reverse("core:notification_open", args=[other.pk]))["Location"] == (
        reverse("core:notifications")
    )
    notifications.notify(users=[a], title="Ba")
    response = client.post(reverse("core:notifications"))
    assert response.status_code == 302
    assert notifications.unread_count(a) == 0
    html = client.get(reverse("core:notifications")).content.decode()
    assert 'data-testid="unread-count"' not in html


def test_badge_costs_one_count_and_nothing_for_anonymous(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    a = _user()
    notifications.notify(users=[a], title="Một")
    signed_in = client_for(a)
    with CaptureQueriesContext(connection) as queries:
        signed_in.get(reverse("home"))
    counts = [q["sql"] for q in queries if "core_notification" in q["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("login"))
    assert not [q for q in queries if "core_notification" in q["sql"]]
