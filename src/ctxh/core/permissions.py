"""View-side permission checks built on the one scoping path.

A view names its model and action. No scope at all for that action → 403 (the role may
not do it). An object outside the scope → 404, exactly like one that does not exist.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404

from .scoping import scope_for


def can(user, model: type[models.Model], action: str) -> bool:
    """Whether ``user`` may perform ``action`` on at least some objects of ``model``."""
    return not scope_for(user, model, action).empty


def require(user, model: type[models.Model], action: str) -> None:
    if not can(user, model, action):
        raise PermissionDenied


def get_visible_or_404(user, model: type[models.Model], action: str, **lookup):
    """The object if ``user`` may ``action`` it; 403 if the role never may; else 404."""
    require(user, model, action)
    return get_object_or_404(model.objects.visible_to(user, action), **lookup)
