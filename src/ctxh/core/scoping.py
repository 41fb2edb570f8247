"""The one scoping path: ``Model.objects.visible_to(user, action)``.

A model that belongs to an organisation gets its manager from :class:`ScopedQuerySet` and
says where its organisation is (``scope_organization_field``: one path, or a tuple of paths
when a row belongs to several organisations at once, like a placement that is both its
school's and its facility's) and, when a ward officer
should see it, where its ward is (``scope_ward_field``). What a user may do is answered by
the user object itself (``user.scope_for(model, action)``, defined by the accounts app from
its role table), so this module needs nothing from the layers above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class Scope:
    """Where a user may perform an action on a kind of object.

    ``everything`` is the programme office's scope; otherwise the union of the listed
    organisations, of the organisations located in the listed wards, and of the objects
    the user owns personally (``self_user_id``).
    """

    everything: bool = False
    organization_ids: frozenset[int] = field(default_factory=frozenset)
    ward_ids: frozenset[int] = field(default_factory=frozenset)
    self_user_id: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.everything or self.organization_ids or self.ward_ids or self.self_user_id)

    def covers(self, organization=None, *, ward_id: int | None = None, owner_id=None) -> bool:
        """The one answer to "may this user act on organisation X?".

        ``organization`` is an organisation (or its id); its ward is read from it unless
        ``ward_id`` is given. ``owner_id`` is the user a personal record belongs to (the
        SELF reach). Services and views ask this, never a hand-written copy.
        """
        if self.everything:
            return True
        if organization is not None:
            org_id = getattr(organization, "pk", organization)
            if org_id in self.organization_ids:
                return True
            if ward_id is None:
                ward_id = getattr(organization, "ward_id", None)
        if ward_id is not None and ward_id in self.ward_ids:
            return True
        return owner_id is not None and owner_id == self.self_user_id

    def covers_object(self, obj: models.Model) -> bool:
        """Whether the row ``obj`` lies in this scope, read through its model's scope fields
        (``scope_organization_field``, ``scope_ward_field``, ``scope_user_field``)."""
        if self.everything:
            return True
        model = type(obj)
        ward_id = _follow(obj, getattr(model, "scope_ward_field", None))
        owner_id = _follow(obj, getattr(model, "scope_user_field", None))
        org_ids = [_follow(obj, path) for path in _paths(model)] or [None]
        return any(self.covers(org_id, ward_id=ward_id, owner_id=owner_id) for org_id in org_ids)

    def q(self, model: type[models.Model]) -> models.Q | None:
        """The filter selecting ``model``'s rows in this scope (None: every row)."""
        if self.everything:
            return None
        condition = models.Q(pk__in=[])
        ward_field = getattr(model, "scope_ward_field", None)
        user_field = getattr(model, "scope_user_field", None)
        if self.organization_ids:
            for org_field in _paths(model):
                condition |= models.Q(**{f"{org_field}__in": self.organization_ids})
        if self.ward_ids and ward_field:
            condition |= models.Q(**{f"{ward_field}__in": self.ward_ids})
        if self.self_user_id and user_field:
            condition |= models.Q(**{user_field: self.self_user_id})
        return condition

    def __or__(self, other: Scope) -> Scope:
        return Scope(
            everything=self.everything or other.everything,
            organization_ids=self.organization_ids | other.organization_ids,
            ward_ids=self.ward_ids | other.ward_ids,
            self_user_id=self.self_user_id or other.self_user_id,
        )


def _paths(model) -> tuple[str, ...]:
    """The model's organisation paths (``scope_organization_field``: a path or a tuple)."""
    paths = getattr(model, "scope_organization_field", None) or ()
    return (paths,) if isinstance(paths, str) else tuple(paths)


def _follow(obj, path: str | None):
    """The id at the end of a ``a__b__c`` scope path on an instance (None when absent)."""
    if not path:
        return None
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    if last == "id":
        return obj.pk
    field = obj._meta.get_field(last)
    return getattr(obj, field.attname, None)


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


class _System:
    """The operator acting through a management command or the demo loader.

    Services accept ``by=SYSTEM`` for work no person does on a page; its audit events
    carry no user and the source "command" or "job".
    """

    is_authenticated = False
    is_superuser = True
    pk = None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def scope_for(user, model: type[models.Model], action: str) -> Scope:
    """The user's scope for ``action`` on ``model`` (nothing for anonymous users)."""
    if user is SYSTEM:
        return EVERYTHING
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    if getattr(user, "is_superuser", False):
        return EVERYTHING
    resolver = getattr(user, "scope_for", None)
    return resolver(model, action) if resolver else NOTHING


def may(user, model: type[models.Model], action: str, organization=None, *, owner_id=None) -> bool:
    """May ``user`` perform ``action`` on ``model`` rows of ``organization`` (or owned by
    ``owner_id``)? The single scope question services and views ask."""
    return scope_for(user, model, action).covers(organization, owner_id=owner_id)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a user may see or do."""

    def visible_to(self, user, action: str = "view") -> ScopedQuerySet:
        """Rows of this queryset within ``user``'s scope for ``action``."""
        scope = scope_for(user, self.model, action)
        if scope.everything:
            return self
        if scope.empty:
            return self.none()
        return self.filter(scope.q(self.model))
