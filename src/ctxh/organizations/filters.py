"""Filters of the organisation list (shared with exports)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from ctxh.core.filters import YesNoSelect
from ctxh.core.searchtext import ranked_search
from ctxh.geo.models import Ward

from .models import FACILITY_KINDS, Kind, Organization, Ownership, TargetGroup


class _NetworkFilterSet(django_filters.FilterSet):
    """The filters the organisation list and the facilities page share."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    ownership = django_filters.ChoiceFilter(label=_("Ownership"), choices=Ownership.choices)
    ward = django_filters.ModelChoiceFilter(label=_("Ward/commune"), queryset=Ward.objects.all())
    target_group = django_filters.ModelChoiceFilter(
        label=_("Target group"),
        queryset=TargetGroup.objects.all(),
        field_name="facility__target_groups",
    )
    social_work = django_filters.BooleanFilter(
        label=_("Provides social-work services"),
        field_name="facility__provides_social_work_services",
        widget=YesNoSelect,
    )

    def filter_q(self, queryset, name, value):
        return ranked_search(queryset, value)  # best matches first, then by name


class OrganizationFilter(_NetworkFilterSet):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Kind.choices)
    active = django_filters.BooleanFilter(label=_("Active"), widget=YesNoSelect)

    class Meta:
        model = Organization
        fields = ["q", "kind", "ownership", "ward", "target_group", "social_work", "active"]


FACILITY_KIND_CHOICES = [(k.value, k.label) for k in Kind if k in FACILITY_KINDS]


class FacilityFilter(_NetworkFilterSet):
    """Filters of the facilities page and its map (the map reads the same query string)."""

    kind = django_filters.ChoiceFilter(label=_("Type"), choices=FACILITY_KIND_CHOICES)
    as_of = django_filters.DateFilter(
        label=_("Residents as of"),
        method="filter_nothing",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )

    class Meta:
        model = Organization
        fields = ["q", "kind", "ownership", "ward", "target_group", "social_work", "as_of"]

    def __init__(self, *args, province_code=None, **kwargs):
        super().__init__(*args, **kwargs)
        if province_code is not None:
            self.filters["ward"].queryset = Ward.objects.filter(province_id=province_code)
            self.form.fields["ward"].queryset = self.filters["ward"].queryset

    def filter_nothing(self, queryset, name, value):
        # "as of" chooses the date of the headcounts shown, not which facilities.
        return queryset

    def as_of_date(self):
        """The valid "as of" date given, or None (today is used)."""
        self.form.is_valid()  # cleans every field; an invalid one is left out
        return self.form.cleaned_data.get("as_of")
