"""The practicum's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .board import urlpatterns as _board
from .offers import urlpatterns as _offers
from .preferences import urlpatterns as _preferences

urlpatterns = [*_board, *_offers, *_preferences]
