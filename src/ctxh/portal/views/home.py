"""``/public/``: the programme's public home page (no login)."""

from django.shortcuts import render
from django.urls import path


def index(request):
    return render(request, "portal/index.html", {})


urlpatterns = [path("", index, name="index")]
