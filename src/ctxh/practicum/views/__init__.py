"""The practicum's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .board import urlpatterns as _board

urlpatterns = [*_board]
