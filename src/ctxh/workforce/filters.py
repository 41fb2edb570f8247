"""Filters of the people list (shared with exports)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ctxh.geo.models import Ward
from ctxh.organizations.models import Organization, Sector

from .models import EducationLevel, Person, ProfessionalTitle, StaffType
from .selectors import kinds_of_sector, person_search

TITLE_CHOICES = [("none", _("No professional title")), *ProfessionalTitle.choices[1:]]


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    # Plain choices from values_list (not model choices): the list page renders hundreds of
    # organisations and wards as options on every request, so no model instances for them.
    organization = django_filters.ChoiceFilter(
        label=_("Organisation"), field_name="current_organization", choices=[]
    )
    sector = django_filters.ChoiceFilter(
        label=_("Sector"), choices=Sector.choices, method="filter_sector"
    )
    ward = django_filters.ChoiceFilter(
        label=_("Ward/commune"), field_name="current_organization__ward", choices=[]
    )
    title = django_filters.ChoiceFilter(
        label=_("Professional title"), choices=TITLE_CHOICES, method="filter_title"
    )
    education_level = django_filters.ChoiceFilter(
        label=_("Education level"), choices=EducationLevel.choices
    )
    staff_type = django_filters.ChoiceFilter(
        label=_("Staff or collaborator"), choices=StaffType.choices
    )
    field_instructor = django_filters.ChoiceFilter(
        label=_("Field instructor"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        method="filter_field_instructor",
    )

    class Meta:
        model = Person
        fields = [
            "q",
            "organization",
            "sector",
            "ward",
            "title",
            "education_level",
            "staff_type",
            "field_instructor",
        ]

    def __init__(self, *args, user=None, province_code=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["organization"].extra["choices"] = list(
            Organization.objects.visible_to(user, "view")
            .order_by("sort_key", "id")
            .values_list("id", "name")
        )
        wards = Ward.objects.order_by("sort_key", "code")
        if province_code is not None:
            wards = wards.filter(province_id=province_code)
        self.filters["ward"].extra["choices"] = list(wards.values_list("code", "name"))

    def filter_q(self, queryset, name, value):
        # Citizen IDs are never matched inside; a whole one only for who may see it.
        return person_search(queryset, user=self.user, query=value)

    def filter_sector(self, queryset, name, value):
        return queryset.filter(current_organization__kind__in=kinds_of_sector(value))

    def filter_title(self, queryset, name, value):
        return queryset.filter(professional_title="" if value == "none" else value)

    def filter_field_instructor(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(field_instructor__active=True)
        return queryset.exclude(field_instructor__active=True)
