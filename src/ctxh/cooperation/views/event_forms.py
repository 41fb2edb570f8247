"""Forms and the filter of the event pages."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctxh.core.scoping import scope_for
from ctxh.core.searchtext import search_q
from ctxh.organizations.models import Organization

from ..models import Event, Presentation

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    """An event's fields; the lead organiser among those the user may organise for."""

    organizers = forms.ModelMultipleChoiceField(
        label=_("co-organisers"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "level",
            "title",
            "lead_organizer",
            "organizers",
            "starts_at",
            "ends_at",
            "venue",
            "online_link",
            "agenda",
            "registration_mode",
            "registration_deadline",
            "capacity",
            "public",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "registration_deadline": DATETIME_WIDGET,
            "agenda": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        action = "add" if self.instance.pk is None else "change"
        scope = scope_for(user, Event, action)
        leads = Organization.objects.order_by("sort_key", "id")
        if not scope.everything:
            ids = set(scope.organization_ids)
            if self.instance.lead_organizer_id:
                ids.add(self.instance.lead_organizer_id)
            leads = leads.filter(pk__in=ids)
        self.fields["lead_organizer"].queryset = leads
        self.fields["organizers"].queryset = Organization.objects.exclude(
            kind__in=["ward_office"]
        ).order_by("sort_key", "id")
        if self.instance.pk:
            self.fields["organizers"].initial = list(self.instance.organizers.all())
        for name in ("starts_at", "ends_at", "registration_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("organizers", None)
        return data


class ProposeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1


class VisitorForm(forms.Form):
    """The organiser adds someone outside the registry."""

    full_name = forms.CharField(label=_("full name"), max_length=150)
    email = forms.EmailField(label=_("email"), required=False)
    organization_name = forms.CharField(label=_("organisation"), max_length=255, required=False)


class PresentationForm(forms.ModelForm):
    file = forms.FileField(
        label=_("File (slides or paper)"),
        required=False,
        help_text=_("PDF, Word, PowerPoint or an image; checked by its content."),
    )

    class Meta:
        model = Presentation
        fields = ["title", "authors", "abstract", "order"]
        widgets = {"abstract": forms.Textarea(attrs={"rows": 8})}


def _year_choices():
    years = (
        Event.objects.annotate(y=ExtractYear("starts_at"))
        .order_by("-y")
        .values_list("y", flat=True)
        .distinct()
    )
    return [(y, str(y)) for y in years]


class EventFilter(django_filters.FilterSet):
    """Search (title, venue — accent-insensitive), when (upcoming / past), kind, level,
    year."""

    WHEN = (("upcoming", _("Upcoming")), ("past", _("Past")))

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    when = django_filters.ChoiceFilter(label=_("When"), choices=WHEN, method="filter_when")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Event.Kind.choices)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Event.Level.choices)
    year = django_filters.ChoiceFilter(label=_("Year"), choices=[], method="filter_year")

    class Meta:
        model = Event
        fields = ["q", "when", "kind", "level", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["year"].extra["choices"] = _year_choices()

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value))

    def filter_when(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(ends_at__gte=now).order_by("starts_at", "pk")
        return queryset.filter(ends_at__lt=now)

    def filter_year(self, queryset, name, value):
        return queryset.filter(starts_at__year=int(value))
