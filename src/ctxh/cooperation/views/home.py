"""``/cooperation/``: the agreements, plans and events (replaced by the cooperation areas)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from ctxh.core.permissions import require
from ctxh.organizations.models import Organization


@login_required
def index(request):
    require(request.user, Organization, "view")
    return render(request, "cooperation/index.html", {})


urlpatterns = [path("", index, name="index")]
