"""The cooperation pages, one module per area; ``urlpatterns`` gathers theirs."""

from .agreements import urlpatterns as _agreements
from .events import urlpatterns as _events
from .files import urlpatterns as _files
from .home import urlpatterns as _home
from .plans import urlpatterns as _plans
from .recognition import urlpatterns as _recognition
from .registration import urlpatterns as _registration
from .research import urlpatterns as _research

urlpatterns = [
    *_home,
    *_files,
    *_agreements,
    *_plans,
    *_research,
    *_recognition,
    *_events,
    *_registration,
]
