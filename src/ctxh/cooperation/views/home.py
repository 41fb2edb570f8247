"""``/cooperation/``: the overview — the agreements in force, this year's plan progress
(overall and per partner), the late tasks, and the way to the other areas (events,
research, good practices, awards)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse

from ctxh.core.permissions import require

from ..models import Agreement
from ..selectors.agreements import overview


def _events_url() -> str | None:
    """The events' list, once the events area is installed."""
    try:
        return reverse("cooperation:events")
    except NoReverseMatch:
        return None


@login_required
def index(request):
    require(request.user, Agreement, "view")
    data = overview(request.user)
    return render(request, "cooperation/index.html", {**data, "events_url": _events_url()})


urlpatterns = [path("", index, name="index")]
