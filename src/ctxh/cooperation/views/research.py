"""Research projects and good practices: lists with search, filters and pagination, the
page of one (with its files), recording and editing one, a project's status moves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import filter_search
from ctxh.core.transitions import available_transitions

from ..forms.research import PracticeFilterForm, PracticeForm, ResearchFilterForm, ResearchForm
from ..models import GoodPractice, ResearchProject
from ..services import research as services
from .agreements import apply_move, paginate


def _published(qs, value):
    return qs.filter(published=value == "1") if value in ("0", "1") else qs


@login_required
@require_GET
def research(request):
    require(request.user, ResearchProject, "view")
    form = ResearchFilterForm(request.GET or None)
    qs = ResearchProject.objects.visible_to(request.user).select_related("lead")
    if form.is_valid():
        data = form.cleaned_data
        qs = filter_search(qs, data.get("q"))
        if data.get("level"):
            qs = qs.filter(level=data["level"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        qs = _published(qs, data.get("published"))
    return render(
        request,
        "cooperation/research/list.html",
        {
            "filter": form,
            "page": paginate(request, qs),
            "can_add": can(request.user, ResearchProject, "add"),
        },
    )


def _research_form(request, *, project=None):
    instance = ResearchProject.objects.get(pk=project.pk) if project else None
    form = ResearchForm(
        request.POST or None, request.FILES or None, instance=instance, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        partners, reports = fields.pop("partners"), fields.pop("reports")
        try:
            saved = services.research_save(
                by=request.user, project=project, partners=partners, reports=reports, **fields
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The research project “%(name)s” is saved.") % {"name": saved}
            )
            return redirect("cooperation:research_detail", pk=saved.pk)
    return render(
        request,
        "cooperation/agreements/form.html",
        {
            "form": form,
            "title": str(project) if project else _("New research project"),
            "crumbs": [(_("Research"), "cooperation:research", None)],
        },
    )


@login_required
def research_create(request):
    require(request.user, ResearchProject, "add")
    return _research_form(request)


@login_required
def research_edit(request, pk: int):
    project = get_visible_or_404(request.user, ResearchProject, "change", pk=pk)
    return _research_form(request, project=project)


@login_required
@require_GET
def research_detail(request, pk: int):
    user = request.user
    project = get_visible_or_404(user, ResearchProject, "view", pk=pk)
    return render(
        request,
        "cooperation/research/detail.html",
        {
            "project": project,
            "partners": list(project.partners.order_by("sort_key")),
            "files": list(project.reports.all()),
            "moves": available_transitions(project, user),
            "may_edit": scope_for(user, ResearchProject, "change").covers_object(project),
        },
    )


@login_required
@require_POST
def research_move(request, pk: int):
    project = get_visible_or_404(request.user, ResearchProject, "change", pk=pk)
    apply_move(
        request,
        project,
        lambda to, reason: services.research_move(
            project=project, to=to, by=request.user, reason=reason
        ),
    )
    return redirect("cooperation:research_detail", pk=project.pk)


@login_required
@require_GET
def practices(request):
    require(request.user, GoodPractice, "view")
    form = PracticeFilterForm(request.GET or None)
    qs = (
        GoodPractice.objects.visible_to(request.user)
        .select_related("organization")
        .prefetch_related("applied_at")
    )
    if form.is_valid():
        data = form.cleaned_data
        qs = filter_search(qs, data.get("q"))
        if data.get("applied_at"):
            qs = qs.filter(applied_at=data["applied_at"])
        qs = _published(qs, data.get("published"))
    return render(
        request,
        "cooperation/research/practices.html",
        {
            "filter": form,
            "page": paginate(request, qs),
            "can_add": can(request.user, GoodPractice, "add"),
        },
    )


def _practice_form(request, *, practice=None):
    instance = GoodPractice.objects.get(pk=practice.pk) if practice else None
    form = PracticeForm(
        request.POST or None, request.FILES or None, instance=instance, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        applied_at, files = fields.pop("applied_at"), fields.pop("files")
        try:
            saved = services.practice_save(
                by=request.user, practice=practice, applied_at=applied_at, files=files, **fields
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The good practice “%(name)s” is saved.") % {"name": saved})
            return redirect("cooperation:practice_detail", pk=saved.pk)
    return render(
        request,
        "cooperation/agreements/form.html",
        {
            "form": form,
            "title": str(practice) if practice else _("New good practice"),
            "crumbs": [(_("Good practices"), "cooperation:practices", None)],
        },
    )


@login_required
def practice_create(request):
    require(request.user, GoodPractice, "add")
    return _practice_form(request)


@login_required
def practice_edit(request, pk: int):
    practice = get_visible_or_404(request.user, GoodPractice, "change", pk=pk)
    return _practice_form(request, practice=practice)


@login_required
@require_GET
def practice_detail(request, pk: int):
    user = request.user
    practice = get_visible_or_404(user, GoodPractice, "view", pk=pk)
    return render(
        request,
        "cooperation/research/practice.html",
        {
            "practice": practice,
            "applied_at": list(practice.applied_at.order_by("sort_key")),
            "files": list(practice.files.all()),
            "may_edit": scope_for(user, GoodPractice, "change").covers_object(practice),
        },
    )


urlpatterns = [
    path("research/", research, name="research"),
    path("research/new/", research_create, name="research_create"),
    path("research/<int:pk>/", research_detail, name="research_detail"),
    path("research/<int:pk>/edit/", research_edit, name="research_edit"),
    path("research/<int:pk>/move/", research_move, name="research_move"),
    path("practices/", practices, name="practices"),
    path("practices/new/", practice_create, name="practice_create"),
    path("practices/<int:pk>/", practice_detail, name="practice_detail"),
    path("practices/<int:pk>/edit/", practice_edit, name="practice_edit"),
]
