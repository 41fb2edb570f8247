"""``/monitoring/``: the programme's dashboard (replaced by the dashboard area)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from ctxh.core.permissions import require
from ctxh.organizations.models import Organization


@login_required
def index(request):
    require(request.user, Organization, "view")
    return render(request, "monitoring/index.html", {})


urlpatterns = [path("", index, name="index")]
