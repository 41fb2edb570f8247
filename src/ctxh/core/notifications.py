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
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext

from .models import Notification

__all__ = ["mark_read", "notify", "translatable", "unread_count"]

logger = logging.getLogger(__name__)

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
    unread notification each, and, when ``email`` and they have an address, one e-mail
    each. ``title`` and ``body`` may be lazy (rendered in each recipient's language);
    ``url`` is a path on this site. Returns how many notifications were written.

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
        if email and user.email:
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
