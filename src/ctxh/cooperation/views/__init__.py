"""The cooperation pages, one module per area; ``urlpatterns`` gathers theirs."""

from .events import urlpatterns as _events
from .home import urlpatterns as _home
from .registration import urlpatterns as _registration

urlpatterns = [*_home, *_events, *_registration]
