"""The practicum's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .board import urlpatterns as _board
from .letters import urlpatterns as _letters

urlpatterns = [*_board, *_letters]
