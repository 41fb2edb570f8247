"""Template context shared by every page: the agency's name and the user's navigation."""

from django.conf import settings

from .navigation import navigation_for


def site(request):
    user = getattr(request, "user", None)
    return {
        "agency_name": settings.CTXH_AGENCY_NAME,
        "nav_items": navigation_for(request) if user and user.is_authenticated else [],
    }
