"""Filters of the account list."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ctxh.core.searchtext import normalize, search_q
from ctxh.organizations.models import Kind, Organization

from .models import Membership, User
from .roles import Role
from .services import locked_usernames

YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class AccountFilter(django_filters.FilterSet):
    """Search (accent-insensitive) and filters by role, organisation, kind and state."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    role = django_filters.ChoiceFilter(
        label=_("Role"), choices=Role.choices, method="filter_role", empty_label=_("All")
    )
    # Typed, not a drop-down: a city has hundreds of organisations (code or name, accents
    # ignored); a select of all of them made the page slow and the list unusable.
    organization = django_filters.CharFilter(
        label=_("Organisation (code or name)"), method="filter_organization"
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of organisation"),
        choices=Kind.choices,
        method="filter_kind",
        empty_label=_("All"),
    )
    active = django_filters.ChoiceFilter(
        label=_("Active"), choices=YES_NO, method="filter_active", empty_label=_("All")
    )
    locked = django_filters.ChoiceFilter(
        label=_("Locked"), choices=YES_NO, method="filter_locked", empty_label=_("All")
    )
    never_logged_in = django_filters.ChoiceFilter(
        label=_("Never signed in"), choices=YES_NO, method="filter_never", empty_label=_("All")
    )

    class Meta:
        model = User
        fields = ["q", "role", "organization", "kind", "active", "locked", "never_logged_in"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def _with_membership(self, queryset, **lookup):
        return queryset.filter(Exists(Membership.objects.filter(user_id=OuterRef("pk"), **lookup)))

    def filter_q(self, queryset, name, value):
        for term in normalize(value).split()[:8]:
            queryset = queryset.filter(search_text__contains=term)
        return queryset

    def filter_role(self, queryset, name, value):
        return self._with_membership(queryset, role=value, active=True)

    def filter_organization(self, queryset, name, value):
        value = value.strip()
        orgs = Organization.objects.visible_to(self.user, "view").filter(
            Q(code__iexact=value) | search_q(value)
        )
        return self._with_membership(queryset, organization__in=orgs)

    def filter_kind(self, queryset, name, value):
        return self._with_membership(queryset, organization__kind=value)

    def filter_active(self, queryset, name, value):
        return queryset.filter(is_active=value == "yes")

    def filter_locked(self, queryset, name, value):
        locked = Exists(locked_usernames().filter(username=OuterRef("username")))
        return queryset.filter(locked) if value == "yes" else queryset.exclude(locked)

    def filter_never(self, queryset, name, value):
        return queryset.filter(last_login__isnull=value == "yes")
