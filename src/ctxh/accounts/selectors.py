"""Reads of accounts shared by the account list, its export and the account page."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from ctxh.core.scoping import scope_for

from .models import Membership, User
from .services import locked_usernames


def account_list(*, user) -> QuerySet[User]:
    """The accounts ``user`` may see: everyone for the programme office and the viewer,
    otherwise the accounts holding a role in an organisation of the user's scope. Each
    row carries its memberships (prefetched) and ``locked`` (failed sign-ins)."""
    scope = scope_for(user, Membership, "view")
    qs = User.objects.all()
    if not scope.everything:
        visible = Membership.objects.visible_to(user, "view").filter(user_id=OuterRef("pk"))
        qs = qs.filter(Exists(visible))
    memberships = Membership.objects.select_related("organization").order_by(
        "-active", "organization__name", "role"
    )
    return (
        qs.annotate(locked=Exists(locked_usernames().filter(username=OuterRef("username"))))
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .order_by("sort_key", "id")
    )


def account_for(*, user, pk: int) -> User | None:
    """One account if ``user`` may see it (None otherwise: the page answers 404)."""
    return account_list(user=user).filter(pk=pk).first()
