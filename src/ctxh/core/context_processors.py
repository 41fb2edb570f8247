"""Template context shared by every page: the agency's name, the user's navigation and
their unread notifications."""

import functools

from django.conf import settings

from .navigation import navigation_for


def site(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    items = navigation_for(request) if signed_in else []
    admin = [item for item in items if item["menu"] == "admin"]
    return {
        "agency_name": settings.CTXH_AGENCY_NAME,
        "nav_items": items,
        "nav_admin": bool(admin),
        "nav_admin_active": any(item["active"] for item in admin),
        # A callable: the one COUNT runs only when a page shows the badge, at most once.
        "unread_notifications": _unread(user) if signed_in else 0,
    }


def _unread(user):
    from .notifications import unread_count

    return functools.cache(lambda: unread_count(user))
