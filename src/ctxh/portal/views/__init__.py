"""The public portal's pages (no login), one module per area; ``urlpatterns`` gathers theirs."""

from .events import urlpatterns as _events
from .facilities import urlpatterns as _facilities
from .home import urlpatterns as _home
from .library import urlpatterns as _library

urlpatterns = [*_home, *_events, *_facilities, *_library]
