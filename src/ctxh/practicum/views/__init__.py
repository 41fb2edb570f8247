"""The practicum's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .allocation import urlpatterns as _allocation
from .board import urlpatterns as _board

urlpatterns = [*_board, *_allocation]
