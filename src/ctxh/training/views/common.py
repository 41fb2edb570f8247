"""What the training views share."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404

from ctxh.core.permissions import require
from ctxh.core.scoping import scope_for

from ..models import TrainingClass

PER_PAGE = 25


def class_for(user, model, action: str, pk: int, queryset=None) -> TrainingClass:
    """The class ``pk`` when ``user`` may ``action`` on ``model`` rows of its organiser or
    provider: 403 when the role never may, 404 when this class is not theirs."""
    require(user, model, action)
    scope = scope_for(user, model, action)
    qs = queryset if queryset is not None else TrainingClass.objects.all()
    if not scope.everything:
        qs = qs.filter(scope.q(TrainingClass))
    return get_object_or_404(qs, pk=pk)


def error_messages(request, error) -> None:
    """Each message of a service's ValidationError as a page message."""
    for message in error.messages:
        messages.error(request, message)
