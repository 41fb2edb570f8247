"""Filters of the audit page (search, organisation, actor, action, source, period), and
the widgets every app's filters share."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from . import audit_actions
from .models import AuditEvent
from .searchtext import normalize, terms


def _organizations(request):
    """The organisations the user may see, for the organisation filter."""
    try:
        model = apps.get_model("organizations", "Organization")
    except LookupError:
        return AuditEvent.objects.none()
    user = getattr(request, "user", None)
    return model.objects.visible_to(user, "view").order_by("name").only("pk", "name")


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the site's time zone (so the column's index is used)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _user_name_fields() -> list[str]:
    names = {f.name for f in get_user_model()._meta.get_fields()}
    return [n for n in ("full_name", "first_name", "last_name", "username") if n in names]


def actors_matching(words: list[str]) -> list[int]:
    """Ids of the users whose names hold every one of ``words`` (normalised). The users'
    table is small: read in one query and matched here, the same way on every database."""
    fields = _user_name_fields()
    found = []
    for pk, *names in get_user_model().objects.values_list("pk", *fields).iterator():
        text = normalize(" ".join(n or "" for n in names))
        if all(word in text for word in words):
            found.append(pk)
    return found


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
    """The audit page's filters; the search ignores accents and case (``nguyen trai``)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    organization = django_filters.ModelChoiceFilter(
        label=_("Organisation"),
        queryset=_organizations,
        method="filter_organization",
        empty_label=_("All organisations"),
    )
    actor = django_filters.CharFilter(label=_("Actor"), method="filter_actor")
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=audit_actions.choices, empty_label=_("All actions")
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=AuditEvent.Source.choices, empty_label=_("All sources")
    )
    since = django_filters.DateFilter(
        label=_("From date"),
        method="filter_since",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )
    until = django_filters.DateFilter(
        label=_("To date"),
        method="filter_until",
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["q", "organization", "actor", "action", "source", "since", "until"]

    def filter_q(self, queryset, name, value):
        """Each term in the actor's name, the object or its id (the stored search text), or
        in the action's phrase (matched in the registry, in Vietnamese and English)."""
        for word in terms(value):
            queryset = queryset.filter(
                Q(search_text__contains=word)
                | Q(action__in=audit_actions.codes_matching(word))
                | Q(actor_id__in=actors_matching([word]))
            )
        return queryset

    def filter_organization(self, queryset, name, value):
        return queryset.filter(organization_id=value.pk)

    def filter_actor(self, queryset, name, value):
        """Events by users whose name or username holds every term (accents ignored), or,
        with no account, whose recorded actor name holds the text."""
        words = terms(value)
        if not words:
            return queryset
        return queryset.filter(
            Q(actor_id__in=actors_matching(words))
            | Q(actor__isnull=True, actor_label__icontains=value.strip())
        )

    def filter_since(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + dt.timedelta(days=1)))
