"""Filters of the audit page."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


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
