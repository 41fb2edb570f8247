"""Notifications: an in-app list with an unread count, and the same message by e-mail.

Any app's service tells people about a change with :func:`notify`, from
``transaction.on_commit`` (never for a change that was rolled back)::

    transaction.on_commit(lambda: notify(
        users=coordinators,
        title=translatable(_("%(student)s was accepted"), student=placement.student.full_name),
        url=reverse("practicum:placement_detail", args=[placement.pk]),
    ))

Each recipient reads the text in their own language (``User.language``): give lazy strings
(``gettext_lazy``, or :func:`translatable` for one with parameters) and they are rendered
once per recipient. The mail goes through Django's mail backend (the console in the demo,
SMTP when ``CTXH_EMAIL_HOST`` is set), one message per recipient so that no one sees the
others' addresses. A failing mail server never loses the in-app notification: the rows
are written first and the failure is logged.

Each user chooses how the e-mail comes (``User.notification_mode``,
:class:`NotificationMode`): at once (the default), in one daily digest
(:func:`send_digests`, run by ``ctxh remind``), or not at all. The in-app list always
has everything.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext, gettext_lazy, ngettext

from .models import Notification

__all__ = [
    "NotificationMode",
    "mark_read",
    "notify",
    "send_digests",
    "translatable",
    "unread_count",
]

logger = logging.getLogger(__name__)


class NotificationMode(models.TextChoices):
    """How a user wants the e-mail of their notifications (the in-app list always has
    them): the vocabulary of ``User.notification_mode``."""

    IMMEDIATE = "immediate", gettext_lazy("An e-mail for each notification")
    DAILY = "daily", gettext_lazy("One daily digest e-mail")
    NONE = "none", gettext_lazy("No e-mail (only in the application)")


def _mode(user) -> str:
    return getattr(user, "notification_mode", "") or NotificationMode.IMMEDIATE


TITLE_MAX = Notification._meta.get_field("title").max_length
URL_MAX = Notification._meta.get_field("url").max_length


def _format(message, params: dict) -> str:
    # ``message % params`` (not ``str(message) % …``): a lazy plural picks its form from
    # the parameters.
    return str(message % params) if params else str(message)


#: ``translatable(_("%(name)s was accepted"), name=…)``: a lazy string, translated when
#: rendered (so once per recipient, in their language); the parameters are plain values.
translatable = lazy(lambda message, **params: _format(message, params), str)


def _safe_url(url: str) -> str:
    """Only a path on this site (``/practicum/…``): never another host."""
    url = str(url or "")
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return ""
    return url[:URL_MAX]


def _render(text, language: str) -> str:
    if isinstance(text, Promise):
        with translation.override(language):
            return str(text)
    return str(text or "")


def notify(*, users: Iterable, title, body="", url: str = "", email: bool = True) -> int:
    """Tell ``users`` (duplicates and inactive accounts skipped) about something: one
    unread notification each, and, when ``email`` and they have an address and chose
    immediate e-mail, one e-mail each (daily-digest users get it in their next digest).
    ``title`` and ``body`` may be lazy (rendered in each recipient's language); ``url``
    is a path on this site. Returns how many notifications were written.

    Call it in ``transaction.on_commit`` from a service.
    """
    recipients = {}
    for user in users:
        if user is not None and user.pk and getattr(user, "is_active", True):
            recipients.setdefault(user.pk, user)
    if not recipients:
        return 0
    url = _safe_url(url)
    rows, mails = [], []
    for user in recipients.values():
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        subject = _render(title, language)[:TITLE_MAX]
        text = _render(body, language)
        rows.append(Notification(recipient=user, title=subject, body=text, url=url))
        if email and user.email and _mode(user) == NotificationMode.IMMEDIATE:
            mails.append((user.email, subject, text, language))
    with transaction.atomic():
        Notification.objects.bulk_create(rows)
    if mails:
        _send_mails(mails, url)
    return len(rows)


def _send_mails(mails: list[tuple[str, str, str, str]], url: str) -> None:
    base = getattr(settings, "CTXH_BASE_URL", "").rstrip("/")
    messages = []
    for address, subject, text, language in mails:
        lines = [text] if text else []
        if url:
            with translation.override(language):
                lines.append(gettext("Open: %(url)s") % {"url": f"{base}{url}"})
        messages.append(
            EmailMessage(
                subject=subject,
                body="\n\n".join(lines),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
            )
        )
    try:
        get_connection().send_messages(messages)
    except Exception:  # a mail server down must not undo what was committed
        logger.exception("Sending %d notification e-mail(s) failed", len(messages))


def send_digests(*, now=None) -> int:
    """E-mail each active user in daily-digest mode, with an address, the notifications
    written for them since their last digest: one e-mail, grouped by the page each links
    to, in the user's language. The digest time is recorded on the user
    (``digest_sent_at``): a user already sent a digest today (local date) is skipped, so
    running it twice a day sends nothing new. A user with nothing new gets no e-mail (and
    their digest time is left as it is). Returns how many e-mails were sent."""
    from django.contrib.auth import get_user_model

    now = now or timezone.now()
    today = timezone.localdate(now)
    User = get_user_model()
    users = list(
        User.objects.filter(notification_mode=NotificationMode.DAILY, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    sent = 0
    for user in users:
        last = user.digest_sent_at
        if last is not None and timezone.localdate(last) >= today:
            continue
        since = last if last is not None else now - dt.timedelta(days=1)
        rows = list(
            Notification.objects.filter(
                recipient=user, created_at__gt=since, created_at__lte=now
            ).order_by("created_at", "pk")
        )
        if not rows:
            continue
        message = _digest_message(user, rows, today)
        try:
            get_connection().send_messages([message])
        except Exception:  # tried again at the next run: the digest time is not moved
            logger.exception("Sending the daily digest to user %s failed", user.pk)
            continue
        User.objects.filter(pk=user.pk).update(digest_sent_at=now)
        sent += 1
    return sent


def _digest_message(user, rows: list[Notification], today) -> EmailMessage:
    base = getattr(settings, "CTXH_BASE_URL", "").rstrip("/")
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    groups: dict[str, list[Notification]] = {}
    for row in rows:
        groups.setdefault(row.url, []).append(row)
    with translation.override(language):
        subject = ngettext(
            "%(count)d notification on %(date)s",
            "%(count)d notifications on %(date)s",
            len(rows),
        ) % {"count": len(rows), "date": today.strftime("%d/%m/%Y")}
        parts = []
        for url, items in groups.items():
            lines = []
            for item in items:
                when = timezone.localtime(item.created_at).strftime("%H:%M %d/%m")
                lines.append(f"- {item.title} ({when})")
                if item.body:
                    lines.append(f"  {item.body}")
            if url:
                lines.append(gettext("Open: %(url)s") % {"url": f"{base}{url}"})
            parts.append("\n".join(lines))
        footer = gettext("You receive one digest a day; change it in your profile: %(url)s") % {
            "url": f"{base}{reverse('accounts:profile')}"
        }
    return EmailMessage(
        subject=subject,
        body="\n\n".join([*parts, footer]),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark ``user``'s ``notification`` read (all their unread ones when None); a
    notification of someone else is left alone. Returns how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification is not None:
        rows = rows.filter(pk=notification.pk)
    return rows.update(read_at=timezone.now())


def unread_count(user) -> int:
    """How many of ``user``'s notifications are unread (one COUNT on the index)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
