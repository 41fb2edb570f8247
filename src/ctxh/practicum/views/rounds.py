"""The schools' rounds (step 2) and their students, by form; the Excel import is the core
import page with the kind ``practicum_students`` (``ctxh.practicum.importing``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from ctxh.core.exporting import xlsx_response
from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.scoping import scope_for
from ctxh.organizations.models import Kind, Organization

from ..forms.periods import RoundForm, StudentForm
from ..importing import KIND_NAME
from ..models import PlacementPeriod, Preference, Round, Student
from ..selectors.rounds import round_counts, round_list, round_students
from ..services.rounds import ROUND_FIELDS, round_create, round_update
from ..services.students import STUDENT_FIELDS, student_save
from ..tables import RoundStudentTable

PER_PAGE = 25


def _pk(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@login_required
@require_GET
def round_list_view(request):
    """The rounds the user keeps (a school its own; the programme office all, by period
    and school)."""
    require(request.user, Round, "view")
    periods = PlacementPeriod.objects.visible_to(request.user).order_by("-starts_on", "-id")
    period = periods.filter(pk=_pk(request.GET.get("period"))).first()
    schools = Organization.objects.filter(
        kind=Kind.SCHOOL,
        pk__in=Round.objects.visible_to(request.user).values("school"),
    ).order_by("sort_key")
    school = schools.filter(pk=_pk(request.GET.get("school"))).first()
    rounds = round_list(user=request.user, period=period, school=school)
    return render(
        request,
        "practicum/rounds/list.html",
        {
            "rounds": rounds[:500],
            "periods": periods[:50],
            "schools": schools if len(schools) > 1 else [],
            "period": period,
            "school": school,
            "can_add": can(request.user, Round, "add"),
        },
    )


def _schools_for(user):
    condition = scope_for(user, Round, "add").q(Organization)
    schools = Organization.objects.active().filter(kind=Kind.SCHOOL)
    return schools if condition is None else schools.filter(condition)


@login_required
def round_create_view(request):
    require(request.user, Round, "add")
    form = RoundForm(request.POST or None, schools=_schools_for(request.user))
    if request.GET.get("period") and not request.POST:
        form.initial["period"] = _pk(request.GET["period"])
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ROUND_FIELDS}
        try:
            rnd = round_create(
                period=form.cleaned_data["period"],
                school=form.cleaned_data["school"],
                by=request.user,
                **data,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The round is opened. Add its students."))
            return redirect("practicum:round_detail", pk=rnd.pk)
    return render(
        request,
        "practicum/rounds/form.html",
        {"form": form, "title": _("New round")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def round_edit(request, pk: int):
    rnd = get_visible_or_404(request.user, Round, "change", pk=pk)
    form = RoundForm(request.POST or None, instance=rnd, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            round_update(
                round=Round.objects.get(pk=pk),
                by=request.user,
                **{k: form.cleaned_data[k] for k in ROUND_FIELDS},
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The round is saved."))
            return redirect("practicum:round_detail", pk=pk)
    return render(
        request,
        "practicum/rounds/form.html",
        {"form": form, "round": rnd, "title": _("Edit the round")},
        status=400 if request.method == "POST" else 200,
    )


def _round(request, pk: int) -> Round:
    require(request.user, Round, "view")
    return get_object_or_404(
        Round.objects.visible_to(request.user).select_related("period", "school"), pk=pk
    )


@login_required
@require_GET
def round_detail(request, pk: int):
    """A round: its numbers, its students (search, sort, pages), export and import."""
    rnd = _round(request, pk)
    q = request.GET.get("q", "")[:200]
    may_rank = scope_for(request.user, Preference, "change").covers(rnd.school)
    table = RoundStudentTable(round_students(round=rnd, q=q), may_rank=may_rank)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(
        request,
        "practicum/rounds/detail.html",
        {
            "round": rnd,
            "table": table,
            "q": q,
            "counts": round_counts(rnd),
            "can_edit": scope_for(request.user, Round, "change").covers(rnd.school),
            "can_add_student": scope_for(request.user, Student, "add").covers(rnd.school),
            "import_kind": KIND_NAME,
        },
    )


@login_required
@require_GET
def round_export(request, pk: int):
    """The round's students as an .xlsx (the list the school keeps)."""
    rnd = _round(request, pk)
    headers = [
        _("Student code"),
        _("Full name"),
        _("Gender"),
        _("Date of birth"),
        _("Email"),
        _("Phone"),
        _("Vaccinated"),
        _("Other languages"),
        _("Preferences"),
        _("Placement"),
    ]
    yes, no = _("Yes"), _("No")

    def rows():
        for s in round_students(round=rnd).order_by("sort_key", "id").iterator(chunk_size=500):
            yield [
                s.student_code,
                s.full_name,
                s.get_gender_display(),
                s.date_of_birth,
                s.email,
                s.phone,
                yes if s.vaccinated else no,
                s.languages,
                s.preference_count,
                s.placement_facility or "",
            ]

    return xlsx_response(
        headers=headers,
        rows=rows(),
        filename=f"sinh-vien-dot-{rnd.pk}.xlsx",
        sheet_title="Sinh vien",
    )


def _student_page(request, form, rnd, student=None, status=200):
    title = _("Edit the student") if student else _("Add a student")
    return render(
        request,
        "practicum/rounds/student_form.html",
        {"form": form, "round": rnd, "student": student, "title": title},
        status=status,
    )


@login_required
def student_create(request, round_pk: int):
    require(request.user, Student, "add")
    rnd = _round(request, round_pk)
    if not scope_for(request.user, Student, "add").covers(rnd.school):
        raise Http404
    form = StudentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            student_save(round=rnd, by=request.user, **_student_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The student is saved, with their account."))
            return redirect("practicum:round_detail", pk=rnd.pk)
    return _student_page(request, form, rnd, status=400 if request.method == "POST" else 200)


@login_required
def student_edit(request, pk: int):
    student = get_visible_or_404(request.user, Student, "change", pk=pk)
    rnd = Round.objects.select_related("period", "school").get(pk=student.round_id)
    form = StudentForm(request.POST or None, instance=student)
    if request.method == "POST" and form.is_valid():
        try:
            student_save(round=rnd, by=request.user, **_student_data(form))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The student is saved."))
            return redirect("practicum:round_detail", pk=rnd.pk)
    return _student_page(
        request, form, rnd, student, status=400 if request.method == "POST" else 200
    )


def _student_data(form) -> dict:
    data = {k: form.cleaned_data.get(k) for k in STUDENT_FIELDS}
    for name in ("email", "phone", "languages", "notes"):
        data[name] = data[name] or ""
    return data


urlpatterns = [
    path("rounds/", round_list_view, name="round_list"),
    path("rounds/new/", round_create_view, name="round_create"),
    path("rounds/<int:pk>/", round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", round_edit, name="round_edit"),
    path("rounds/<int:pk>/export/", round_export, name="round_export"),
    path("rounds/<int:round_pk>/students/new/", student_create, name="student_create"),
    path("students/<int:pk>/edit/", student_edit, name="student_edit"),
]
