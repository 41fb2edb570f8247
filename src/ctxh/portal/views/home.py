"""``/public/``: the programme's public home page (no login)."""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from .events import upcoming_events

#: Upcoming events shown on the home page.
HOME_EVENTS = 3


@require_GET
def index(request):
    return render(request, "portal/index.html", {"events": upcoming_events()[:HOME_EVENTS]})


urlpatterns = [path("", index, name="index")]
