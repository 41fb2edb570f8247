"""The course catalogue: the list (search, level, topic, provider), new course, edit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from ctxh.core.forms import apply_errors
from ctxh.core.permissions import can, get_visible_or_404, require
from ctxh.core.scoping import scope_for

from ..filters import CourseFilter
from ..forms.catalogue import CourseForm
from ..models import Course, TrainingClass
from ..services.catalogue import course_save
from ..tables import CourseTable
from .common import PER_PAGE


def _class_count():
    classes = (
        TrainingClass.objects.filter(course=OuterRef("pk"))
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(classes, output_field=IntegerField()), 0)


@login_required
@require_GET
def course_list(request):
    require(request.user, Course, "view")
    courses = (
        Course.objects.visible_to(request.user)
        .select_related("provider")
        .annotate(class_count=_class_count())
    )
    filterset = CourseFilter(request.GET, queryset=courses)
    table = CourseTable(filterset.qs)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    scope = scope_for(request.user, Course, "change")
    return render(
        request,
        "training/catalogue/course_list.html",
        {
            "filter": filterset,
            "table": table,
            "can_add": can(request.user, Course, "add"),
            "edit_all": scope.everything,
            "edit_ids": scope.organization_ids,
        },
    )


def _form_page(request, *, course=None):
    form = CourseForm(request.POST or None, instance=course, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = course_save(by=request.user, course=course, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The course “%(title)s” is saved.") % {"title": saved})
            return redirect("training:courses")
    return render(
        request,
        "training/catalogue/course_form.html",
        {"form": form, "course": course, "title": course.title if course else _("New course")},
    )


@login_required
def course_create(request):
    require(request.user, Course, "add")
    return _form_page(request)


@login_required
def course_edit(request, pk: int):
    course = get_visible_or_404(request.user, Course, "change", pk=pk)
    return _form_page(request, course=course)


urlpatterns = [
    path("courses/", course_list, name="courses"),
    path("courses/new/", course_create, name="course_create"),
    path("courses/<int:pk>/edit/", course_edit, name="course_edit"),
]
