"""The practicum's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .board import urlpatterns as _board
from .network import urlpatterns as _network
from .periods import urlpatterns as _periods
from .rounds import urlpatterns as _rounds

urlpatterns = [*_board, *_network, *_periods, *_rounds]
