"""The practicum's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .acceptance import urlpatterns as _acceptance
from .board import urlpatterns as _board

urlpatterns = [*_board, *_acceptance]
