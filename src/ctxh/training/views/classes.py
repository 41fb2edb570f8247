"""The classes: list (``training:index``), detail, planning."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from ctxh.core.permissions import require

from ..models import TrainingClass


@login_required
def index(request):
    require(request.user, TrainingClass, "view")
    classes = TrainingClass.objects.visible_to(request.user).select_related("course")[:50]
    return render(request, "training/index.html", {"classes": classes})


urlpatterns = [path("", index, name="index")]
