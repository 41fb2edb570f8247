"""Notification e-mails as each user chose: at once, in one daily digest, or none; the
digest sent once a day, grouped by page, covering what came since the last one."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ctxh.core import notifications
from ctxh.core.models import AuditEvent, Notification
from ctxh.core.notifications import NotificationMode
from ctxh.testing import client_for, make_user

pytestmark = pytest.mark.django_db


def _user(mode, email="u@example.vn", language="vi", digest_at=None):
    user = make_user()
    user.email, user.language, user.notification_mode = email, language, mode
    user.digest_sent_at = digest_at
    user.save()
    return user


def _age(user, **delta):
    """Move ``user``'s notifications back in time."""
    Notification.objects.filter(recipient=user).update(
        created_at=timezone.now() - dt.timedelta(**delta)
    )


def test_notify_mails_only_users_in_immediate_mode():
    now_ = _user(NotificationMode.IMMEDIATE, "now@example.vn")
    daily = _user(NotificationMode.DAILY, "daily@example.vn")
    none = _user(NotificationMode.NONE, "none@example.vn")
    assert notifications.notify(users=[now_, daily, none], title="Có việc mới") == 3
    assert [m.to for m in mail.outbox] == [["now@example.vn"]]
    assert Notification.objects.filter(title="Có việc mới").count() == 3  # in-app for all


def test_daily_digest_groups_by_page_and_is_sent_once_a_day():
    start = timezone.now() - dt.timedelta(days=2)
    daily = _user(NotificationMode.DAILY, "daily@example.vn", digest_at=start)
    other = _user(NotificationMode.DAILY, "other@example.vn", digest_at=start)
    notifications.notify(users=[daily], title="Trần An nộp 1 mục nhật ký", url="/practicum/x/")
    notifications.notify(users=[daily], title="Lê Bình nộp 2 mục nhật ký", url="/practicum/x/")
    notifications.notify(users=[daily], title="Đánh giá đến hạn", body="Còn 3 ngày", url="/p/")
    assert mail.outbox == []
    _age(daily, hours=3)

    assert notifications.send_digests() == 1  # ``other`` had nothing: no e-mail
    (message,) = mail.outbox
    assert message.to == ["daily@example.vn"]
    assert "3 thông báo" in message.subject
    body = message.body
    assert body.count("/practicum/x/") == 1  # one group, one link
    assert "Trần An nộp 1 mục nhật ký" in body and "Lê Bình nộp 2 mục nhật ký" in body
    assert "Còn 3 ngày" in body and "/accounts/profile/" in body
    daily.refresh_from_db()
    other.refresh_from_db()
    assert daily.digest_sent_at is not None and other.digest_sent_at == start

    # Again the same day: nothing new is sent, even for a notification written since.
    notifications.notify(users=[daily], title="Mới hơn", url="/p/")
    assert notifications.send_digests() == 0
    assert len(mail.outbox) == 1
    # The next day: only what came after the last digest.
    assert notifications.send_digests(now=timezone.now() + dt.timedelta(days=1)) == 1
    assert "Mới hơn" in mail.outbox[1].body and "Trần An" not in mail.outbox[1].body


def test_digest_in_the_users_language_and_skips_other_modes():
    en = _user(NotificationMode.DAILY, "en@example.vn", language="en")
    immediate = _user(NotificationMode.IMMEDIATE, "i@example.vn")
    notifications.notify(users=[en, immediate], title="X", url="/p/")
    mail.outbox.clear()
    assert notifications.send_digests() == 1
    assert mail.outbox[0].to == ["en@example.vn"]
    assert "1 notification on" in mail.outbox[0].subject


def test_profile_chooses_the_daily_digest():
    user = _user(NotificationMode.IMMEDIATE, "me@example.vn")
    client = client_for(user)
    page = client.get(reverse("accounts:profile"))
    assert "id_notification_mode" in page.content.decode()
    response = client.post(
        reverse("accounts:profile"),
        {
            "full_name": "Tôi",
            "email": "me@example.vn",
            "phone": "",
            "language": "vi",
            "notification_mode": "daily",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.notification_mode == NotificationMode.DAILY
    assert user.digest_sent_at is not None  # the first digest starts from the switch
    event = AuditEvent.objects.get(action="user.update", object_id=str(user.pk))
    assert event.new_values["notification_mode"] == "daily"
    bad = client.post(
        reverse("accounts:profile"),
        {"full_name": "Tôi", "language": "vi", "notification_mode": "hourly"},
    )
    assert bad.status_code == 200
    user.refresh_from_db()
    assert user.notification_mode == NotificationMode.DAILY
