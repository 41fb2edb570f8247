"""Filters of the organisation list (shared with exports)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ctxh.core.searchtext import filter_search
from ctxh.geo.models import Ward

from .models import Kind, Organization, Ownership, TargetGroup


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    ownership = django_filters.ChoiceFilter(label=_("Ownership"), choices=Ownership.choices)
    ward = django_filters.ModelChoiceFilter(label=_("Ward/commune"), queryset=Ward.objects.all())
    target_group = django_filters.ModelChoiceFilter(
        label=_("Target group"),
        queryset=TargetGroup.objects.all(),
        field_name="facility__target_groups",
    )
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Organization
        fields = ["q", "kind", "ownership", "ward", "target_group", "active"]

    def filter_q(self, queryset, name, value):
        return filter_search(queryset, value)
