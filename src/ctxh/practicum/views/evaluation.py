"""Rubrics (the school's coordinator), a placement's evaluations (each side's form, and
what each user may read of the other side's), and the grade."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ctxh.core.permissions import get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Kind, Organization

from ..forms.evaluation import GradeForm, RubricForm, add_errors, competency_rows
from ..models import Evaluation, Grade, Placement, Rubric
from ..selectors.evaluations import active_rubric, due_kinds, visible_evaluations
from ..selectors.placement_roles import SCHOOL, roles_on
from ..services import evaluation as services

# --- rubrics ------------------------------------------------------------------------------


def _schools(user) -> list[Organization]:
    """The schools whose rubrics ``user`` may change."""
    scope = scope_for(user, Rubric, "change")
    if scope.empty:
        return []
    schools = Organization.objects.filter(kind=Kind.SCHOOL, active=True).order_by("sort_key")
    if not scope.everything:
        schools = schools.filter(pk__in=scope.organization_ids)
    return list(schools[:200])


@login_required
@require_GET
def rubrics(request):
    require(request.user, Rubric, "view")
    rows = (
        Rubric.objects.visible_to(request.user, "view")
        .select_related("school")
        .prefetch_related("competencies")
    )
    return render(
        request,
        "practicum/evaluation/rubrics.html",
        {"rubrics": rows[:200], "may_add": bool(_schools(request.user)), "title": _("Rubrics")},
    )


def _rubric_page(request, *, rubric, school, schools):
    form = RubricForm(request.POST or None, initial=RubricForm.initial_for(rubric))
    rows = competency_rows(request.POST if request.method == "POST" else None, rubric)
    if request.method == "POST" and form.is_valid():
        if rubric is None:
            wanted = request.POST.get("school", "")
            school = next((s for s in schools if str(s.pk) == wanted), None)
            if school is None:
                form.add_error(None, _("Choose the school."))
        if school is not None and form.is_valid():
            try:
                saved = services.rubric_save(
                    school=school,
                    rubric=rubric,
                    by=request.user,
                    competencies=rows,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Rubric saved."))
                return redirect(reverse("practicum:rubric_edit", args=[saved.pk]))
    total = sum(int(r["weight"]) for r in rows if str(r["weight"]).isdigit())
    return render(
        request,
        "practicum/evaluation/rubric_form.html",
        {
            "form": form,
            "rows": rows,
            "rubric": rubric,
            "schools": schools,
            "total": total,
            "used": rubric is not None and rubric.evaluations.exists(),
            "title": rubric.name if rubric else _("New rubric"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rubric_create(request):
    require(request.user, Rubric, "change")
    schools = _schools(request.user)
    if not schools:
        raise PermissionDenied
    return _rubric_page(request, rubric=None, school=None, schools=schools)


@login_required
@require_http_methods(["GET", "POST"])
def rubric_edit(request, pk: int):
    rubric = get_visible_or_404(request.user, Rubric, "change", pk=pk)
    return _rubric_page(request, rubric=rubric, school=rubric.school, schools=[rubric.school])


# --- evaluations --------------------------------------------------------------------------


def _placement(request, pk: int) -> Placement:
    return get_object_or_404(
        Placement.objects.visible_to(request.user, "view").select_related(
            "student__round", "facility", "school", "instructor__instructor__person"
        ),
        pk=pk,
    )


@login_required
@require_GET
def evaluations(request, pk: int):
    require(request.user, Evaluation, "view")
    placement = _placement(request, pk)
    shown = visible_evaluations(request.user, placement)
    names = {}
    for e in shown:
        if e.scores:
            names.update({str(c.pk): c for c in e.rubric.competencies.all()})
    for e in shown:
        e.rows = [
            (names.get(key), value) for key, value in (e.scores or {}).items() if key in names
        ]
    grade = Grade.objects.filter(placement=placement).first()
    roles = roles_on(request.user, placement)
    may_see_grade = bool(roles) and (
        scope_for(request.user, Grade, "view").covers_object(Grade(placement=placement))
    )
    return render(
        request,
        "practicum/evaluation/evaluations.html",
        {
            "placement": placement,
            "evaluations": shown,
            "due": [(k, Evaluation.Kind(k).label) for k in due_kinds(request.user, placement)],
            "hidden": Evaluation.objects.filter(placement=placement).count() - len(shown),
            "grade": grade if may_see_grade else None,
            "may_grade": SCHOOL in roles
            and placement.status in (Placement.Status.COMPLETED, Placement.Status.INTERRUPTED),
            "rubric": active_rubric(placement.school_id),
            "title": _("Evaluations"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_submit(request, pk: int, kind: str):
    require(request.user, Evaluation, "add")
    if kind not in Evaluation.Kind.values:
        raise Http404
    placement = _placement(request, pk)
    if kind not in due_kinds(request.user, placement) and request.method == "GET":
        if Evaluation.objects.filter(placement=placement, kind=kind).exists():
            messages.info(request, _("This evaluation was already submitted."))
            return redirect(reverse("practicum:evaluations", args=[placement.pk]))
        raise PermissionDenied
    rubric = active_rubric(placement.school_id)
    competencies = list(rubric.competencies.all()) if rubric else []
    errors: list[str] = []
    values = {"comment": "", "rating": "", "scores": {}}
    if request.method == "POST":
        values = {
            "comment": request.POST.get("comment", ""),
            "rating": request.POST.get("rating", ""),
            "scores": {str(c.pk): request.POST.get(f"score-{c.pk}", "") for c in competencies},
        }
        try:
            services.evaluation_submit(
                placement=placement,
                kind=kind,
                by=request.user,
                scores=values["scores"],
                rating=values["rating"] or None,
                comment=values["comment"],
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Evaluation submitted."))
            return redirect(reverse("practicum:evaluations", args=[placement.pk]))
    scale = list(range(rubric.scale_min, rubric.scale_max + 1)) if rubric else []
    return render(
        request,
        "practicum/evaluation/evaluation_form.html",
        {
            "placement": placement,
            "kind": kind,
            "kind_label": Evaluation.Kind(kind).label,
            "instructor_kind": kind in Evaluation.INSTRUCTOR_KINDS,
            "rubric": rubric,
            "rows": [(c, values["scores"].get(str(c.pk), "")) for c in competencies],
            "scale": scale,
            "values": values,
            "errors": errors,
            "title": Evaluation.Kind(kind).label,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grade(request, pk: int):
    require(request.user, Grade, "change")
    placement = _placement(request, pk)
    if (
        SCHOOL not in roles_on(request.user, placement)
        and not scope_for(request.user, Grade, "change").everything
    ):
        raise Http404
    existing = Grade.objects.filter(placement=placement).first()
    form = GradeForm(request.POST or None, initial={"value": existing.value if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.grade_record(
                placement=placement, value=form.cleaned_data["value"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Grade recorded."))
            return redirect(reverse("practicum:evaluations", args=[placement.pk]))
    return render(
        request,
        "practicum/evaluation/grade_form.html",
        {
            "placement": placement,
            "form": form,
            "rubric": existing.rubric if existing else active_rubric(placement.school_id),
            "title": _("Grade"),
        },
    )


urlpatterns = [
    path("rubrics/", rubrics, name="rubrics"),
    path("rubrics/new/", rubric_create, name="rubric_create"),
    path("rubrics/<int:pk>/", rubric_edit, name="rubric_edit"),
    path("placements/<int:pk>/evaluations/", evaluations, name="evaluations"),
    path(
        "placements/<int:pk>/evaluations/<str:kind>/",
        evaluation_submit,
        name="evaluation_submit",
    ),
    path("placements/<int:pk>/grade/", grade, name="grade"),
]
