"""Filters of the audit page: search, organisation, actor, action, source and period."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import audit_actions
from .models import AuditEvent
from .searchtext import terms
from .unaccent import Unaccent


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


def _matching_text(queryset, fields: list[str], value: str):
    """Rows where every term of ``value`` is in one of ``fields`` (accents ignored)."""
    words = terms(value)
    if not words:
        return queryset
    annotations = {f"_n_{i}": Unaccent(name) for i, name in enumerate(fields)}
    queryset = queryset.alias(**annotations)
    for word in words:
        condition = Q()
        for alias in annotations:
            condition |= Q(**{f"{alias}__contains": word})
        queryset = queryset.filter(condition)
    return queryset


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
        """Each term in the actor's name, the object, the action's phrase or the object id."""
        user_fields = [f"actor__{n}" for n in _user_name_fields()]
        fields = ["actor_label", "object_repr", *user_fields]
        for word in terms(value):
            condition = Q(object_id=word) | Q(action__in=audit_actions.codes_matching(word))
            aliases = {}
            for i, field in enumerate(fields):
                alias = f"_q_{i}"
                aliases[alias] = Unaccent(field)
                condition |= Q(**{f"{alias}__contains": word})
            queryset = queryset.alias(**aliases).filter(condition)
        return queryset

    def filter_organization(self, queryset, name, value):
        return queryset.filter(organization_id=value.pk)

    def filter_actor(self, queryset, name, value):
        """Events by a user whose name or username holds every term (accents ignored), or
        whose recorded actor name does (an account deleted since)."""
        words = terms(value)
        if not words:
            return queryset
        users = _matching_text(get_user_model().objects.all(), _user_name_fields(), value)
        by_label = Q()
        for word in words:
            by_label &= Q(_actor_label__contains=word)
        return queryset.alias(_actor_label=Unaccent("actor_label")).filter(
            Q(actor__in=users.values("pk")) | by_label
        )

    def filter_since(self, queryset, name, value):
        return queryset.filter(created_at__gte=_day_start(value))

    def filter_until(self, queryset, name, value):
        return queryset.filter(created_at__lt=_day_start(value + dt.timedelta(days=1)))
