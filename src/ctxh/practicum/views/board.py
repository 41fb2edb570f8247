"""``/practicum/``: the board of the user's role, for one placement period.

Each role's section is a selector (``selectors/board_<role>.py``) and a template
(``practicum/board/_<role>.html``); a user with several roles sees each of their sections.
The period shown is the one asked for (``?period=``) or the latest one not closed.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import path

from ctxh.core.permissions import require

from ..models import Placement, PlacementPeriod
from ..selectors import board_facility, board_programme, board_school, board_student
from ..selectors.network import current_period

SECTIONS = (
    ("programme", board_programme.context),
    ("school", board_school.context),
    ("facility", board_facility.context),
    ("student", board_student.context),
)


def _period(request):
    wanted = request.GET.get("period", "")
    if wanted.isdigit():
        return get_object_or_404(PlacementPeriod.objects.visible_to(request.user), pk=int(wanted))
    return current_period(request.user)


@login_required
def board(request):
    require(request.user, PlacementPeriod, "view")
    period = _period(request)
    sections = []
    if period is not None:
        for name, context in SECTIONS:
            data = context(request, period)
            if data is not None:
                sections.append((f"practicum/board/_{name}.html", data))
    periods = PlacementPeriod.objects.visible_to(request.user).order_by("-starts_on", "-id")[:20]
    # A student in practice in another period than the one shown: their logbook first.
    practising = (
        Placement.objects.filter(student__user=request.user, status__in=Placement.CURRENT)
        .exclude(period=period)
        .select_related("facility", "period")
        .first()
        if getattr(request.user, "is_authenticated", False)
        else None
    )
    return render(
        request,
        "practicum/board.html",
        {"period": period, "periods": periods, "sections": sections, "practising": practising},
    )


urlpatterns = [path("", board, name="board")]
