"""The practicum's pages, one module per area; ``urlpatterns`` gathers theirs."""

from .acceptance import urlpatterns as _acceptance
from .agreement import urlpatterns as _agreement
from .allocation import urlpatterns as _allocation
from .board import urlpatterns as _board
from .comparisons import urlpatterns as _comparisons
from .evaluation import urlpatterns as _evaluation
from .letters import urlpatterns as _letters
from .logbook import urlpatterns as _logbook
from .network import urlpatterns as _network
from .offers import urlpatterns as _offers
from .periods import urlpatterns as _periods
from .practice import urlpatterns as _practice
from .preferences import urlpatterns as _preferences
from .rounds import urlpatterns as _rounds
from .supervision import urlpatterns as _supervision

urlpatterns = [
    *_board,
    *_acceptance,
    *_allocation,
    *_letters,
    *_logbook,
    *_agreement,
    *_network,
    *_offers,
    *_periods,
    *_preferences,
    *_rounds,
    *_practice,
    *_supervision,
    *_evaluation,
    *_comparisons,
]
