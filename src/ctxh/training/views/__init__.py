"""The training's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .classes import urlpatterns as _classes
from .statistics import urlpatterns as _statistics

urlpatterns = [*_classes, *_statistics]
