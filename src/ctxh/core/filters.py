"""Filters of the audit page, and the widgets every app's filters share."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from .models import AuditEvent


class YesNoSelect(BooleanWidget):
    """A yes/no filter's select: "All / Yes / No" (Tất cả / Có / Không).

    Django's ``NullBooleanSelect`` calls the empty choice "Unknown" (Chưa xác định), which
    reads as a third value of the field rather than "do not filter". Use it as
    ``django_filters.BooleanFilter(..., widget=YesNoSelect)``; the query string keeps
    ``true``/``false``. (Empty choices of the other filters read "All" through the
    ``FILTERS_EMPTY_CHOICE_LABEL`` setting.)
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


class AuditEventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    action = django_filters.CharFilter(label=_("Action"), lookup_expr="icontains")
    object_type = django_filters.CharFilter(label=_("Object type"), lookup_expr="icontains")
    source = django_filters.ChoiceFilter(label=_("Source"), choices=AuditEvent.Source.choices)
    since = django_filters.DateFilter(
        label=_("From date"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    until = django_filters.DateFilter(
        label=_("To date"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["q", "action", "object_type", "source", "since", "until"]

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(object_repr__icontains=value) | Q(actor_label__icontains=value) | Q(object_id=value)
        )
