"""Filters of the class list and the course catalogue (the pages and any export share them)."""

from __future__ import annotations

import django_filters
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from ctxh.core.searchtext import search_q
from ctxh.organizations.models import Organization

from .models import Course, CourseLevel, TrainingClass


def _year_choices():
    years = (
        TrainingClass.objects.annotate(y=ExtractYear("starts_on"))
        .order_by("-y")
        .values_list("y", flat=True)
        .distinct()
    )
    return [(y, str(y)) for y in years]


class TrainingClassFilter(django_filters.FilterSet):
    """Search (code, name, course — accent-insensitive), status, year, organiser, course."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TrainingClass.Status.choices)
    year = django_filters.ChoiceFilter(label=_("Year"), choices=[], method="filter_year")
    organizer = django_filters.ChoiceFilter(label=_("Organiser"), choices=[])
    course = django_filters.ChoiceFilter(label=_("Course"), choices=[])

    class Meta:
        model = TrainingClass
        fields = ["q", "status", "year", "organizer", "course"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Plain (id, name) choices: no model instances rendered as options on each request.
        self.filters["year"].extra["choices"] = _year_choices()
        self.filters["organizer"].extra["choices"] = list(
            Organization.objects.filter(
                pk__in=TrainingClass.objects.order_by().values("organizer_id")
            )
            .order_by("sort_key", "id")
            .values_list("id", "name")
        )
        self.filters["course"].extra["choices"] = list(
            Course.objects.order_by("title", "id").values_list("id", "title")
        )

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value) | search_q(value, "course__search_text"))

    def filter_year(self, queryset, name, value):
        return queryset.filter(starts_on__year=int(value))


class CourseFilter(django_filters.FilterSet):
    """Search (code, title, topic — accent-insensitive), level, topic, provider."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    level = django_filters.ChoiceFilter(label=_("Level"), choices=CourseLevel.choices)
    topic = django_filters.ChoiceFilter(label=_("Topic"), choices=[])
    provider = django_filters.ChoiceFilter(label=_("Provider"), choices=[])

    class Meta:
        model = Course
        fields = ["q", "level", "topic", "provider"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        topics = Course.objects.order_by("topic").values_list("topic", flat=True).distinct()
        self.filters["topic"].extra["choices"] = [(t, t) for t in topics]
        self.filters["provider"].extra["choices"] = list(
            Organization.objects.filter(
                pk__in=Course.objects.exclude(provider=None).order_by().values("provider_id")
            )
            .order_by("sort_key", "id")
            .values_list("id", "name")
        )

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value))
