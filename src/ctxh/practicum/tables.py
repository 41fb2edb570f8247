"""Tables of the practicum pages."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Placement, Student


class RoundStudentTable(tables.Table):
    """A round's students: who ranked offers, who is placed where."""

    # Every sort ends with the id: names repeat, and a page must not repeat or skip anyone.
    full_name = tables.LinkColumn(
        "practicum:student_edit",
        args=[tables.A("pk")],
        verbose_name=_("Full name"),
        order_by=("sort_key", "id"),
    )
    student_code = tables.Column(verbose_name=_("Student code"), order_by=("student_code", "id"))
    gender = tables.Column(verbose_name=_("Gender"), order_by=("gender", "sort_key", "id"))
    email = tables.Column(verbose_name=_("Email"), default="—", orderable=False)
    preference_count = tables.Column(
        verbose_name=_("Preferences"), order_by=("preference_count", "sort_key", "id")
    )
    placement_facility = tables.Column(
        verbose_name=_("Placement"), default="—", order_by=("placement_facility", "sort_key", "id")
    )

    class Meta:
        model = Student
        fields = (
            "full_name",
            "student_code",
            "gender",
            "email",
            "preference_count",
            "placement_facility",
        )
        empty_text = _("No student in this round yet.")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "students"}

    def render_gender(self, record):
        return record.get_gender_display()

    def __init__(self, *args, may_rank: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.may_rank = may_rank

    def render_preference_count(self, record, value):
        # The coordinator enters or corrects a student's ranking from here (step 4).
        if not self.may_rank:
            return value
        url = reverse("practicum:student_preferences", args=[record.pk])
        return format_html(
            '<a href="{}" data-testid="preferences-{}">{}</a>', url, record.pk, value
        )

    def render_placement_facility(self, record, value):
        status = dict(Placement.Status.choices).get(record.placement_status, "")
        text = f"{value} ({str(status).lower()})" if status else value
        if not record.placement_id:
            return text
        url = reverse("practicum:placement_detail", args=[record.placement_id])
        return format_html('<a href="{}" data-testid="placement-{}">{}</a>', url, record.pk, text)
