"""The training's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .classes import urlpatterns as _classes

urlpatterns = [*_classes]
