"""``/practicum/``: the board of the user's role."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from ctxh.core.permissions import require

from ..models import PlacementPeriod


@login_required
def board(request):
    require(request.user, PlacementPeriod, "view")
    periods = PlacementPeriod.objects.visible_to(request.user)[:20]
    return render(request, "practicum/board.html", {"periods": periods})


urlpatterns = [path("", board, name="board")]
