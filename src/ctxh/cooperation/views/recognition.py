"""Recognition: the awards and commendations, and recording one (programme office)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, require
from ctxh.core.searchtext import normalize

from ..forms.research import AwardFilterForm, AwardForm
from ..models import Award
from ..services import research as services
from .agreements import paginate


@login_required
@require_GET
def awards(request):
    require(request.user, Award, "view")
    form = AwardFilterForm(request.GET or None)
    qs = Award.objects.visible_to(request.user).select_related("person", "organization")
    if form.is_valid():
        data = form.cleaned_data
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        for term in normalize(data.get("q") or "").split():
            qs = qs.filter(
                Q(person__search_text__contains=term)
                | Q(organization__search_text__contains=term)
                | Q(decision_number__icontains=term)
                | Q(title__icontains=term)
            )
    return render(
        request,
        "cooperation/research/awards.html",
        {"filter": form, "page": paginate(request, qs), "can_add": can(request.user, Award, "add")},
    )


@login_required
def award_create(request):
    require(request.user, Award, "add")
    form = AwardForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.award_create(by=request.user, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The award “%(name)s” is recorded.") % {"name": saved})
            return redirect("cooperation:awards")
    return render(
        request,
        "cooperation/agreements/form.html",
        {
            "form": form,
            "title": _("New award"),
            "crumbs": [(_("Awards"), "cooperation:awards", None)],
        },
    )


urlpatterns = [
    path("awards/", awards, name="awards"),
    path("awards/new/", award_create, name="award_create"),
]
