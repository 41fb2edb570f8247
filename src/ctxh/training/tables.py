"""Tables of the training pages (django-tables2): the class list and the catalogue."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Course, TrainingClass


class TrainingClassTable(tables.Table):
    # Each sort ends with the id: a page must neither repeat nor skip a class.
    code = tables.Column(verbose_name=_("Code"), order_by=("code", "id"))
    name = tables.LinkColumn(
        "training:class_detail",
        args=[tables.A("pk")],
        verbose_name=_("Class"),
        order_by=("name", "id"),
    )
    course = tables.Column(verbose_name=_("Course"), order_by=("course__title", "id"))
    organizer = tables.Column(verbose_name=_("Organiser"), order_by=("organizer__sort_key", "id"))
    starts_on = tables.DateColumn(
        verbose_name=_("Dates"), format="d/m/Y", order_by=("starts_on", "id")
    )
    filled = tables.Column(
        verbose_name=_("Places"), accessor="accepted_count", order_by=("accepted_count", "id")
    )
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "id"))

    class Meta:
        model = TrainingClass
        fields = ("code", "name", "course", "organizer", "starts_on", "filled", "status")
        empty_text = _("No class matches these filters.")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "classes"}
        template_name = "training/classes/_table.html"


class CourseTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"), order_by=("code", "id"))
    title = tables.Column(verbose_name=_("Title"), order_by=("title", "id"))
    topic = tables.Column(verbose_name=_("Topic"), order_by=("topic", "title", "id"))
    level = tables.Column(verbose_name=_("Level"), order_by=("level", "title", "id"))
    hours = tables.Column(verbose_name=_("Hours"), order_by=("hours", "id"))
    provider = tables.Column(
        verbose_name=_("Provider"), order_by=("provider__sort_key", "title", "id"), default="—"
    )
    class_count = tables.Column(verbose_name=_("Classes"), order_by=("class_count", "id"))

    class Meta:
        model = Course
        fields = ("code", "title", "topic", "level", "hours", "provider", "class_count")
        empty_text = _("No course matches these filters.")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "courses"}
        template_name = "training/catalogue/_table.html"
