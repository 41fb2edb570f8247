"""The user's notifications: the list (newest first, unread highlighted) and opening one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import notifications
from .models import Notification

PAGE_SIZE = 30


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    """The signed-in user's notifications; POST marks them all read."""
    if request.method == "POST":
        count = notifications.mark_read(user=request.user)
        if count:
            messages.success(request, _("All notifications marked as read."))
        return redirect("core:notifications")
    rows = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "core/notifications.html",
        {
            "page": page,
            "unread": notifications.unread_count(request.user),
            "title": _("Notifications"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_open(request, pk: int):
    """Mark one of the user's notifications read and go to the page it is about (anyone
    else's notification: 404)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications.mark_read(user=request.user, notification=notification)
    url = notification.url
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(url)
    return redirect("core:notifications")
