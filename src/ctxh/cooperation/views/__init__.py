"""The cooperation pages, one module per area; ``urlpatterns`` gathers theirs."""

from .agreements import urlpatterns as _agreements
from .files import urlpatterns as _files
from .home import urlpatterns as _home
from .plans import urlpatterns as _plans
from .recognition import urlpatterns as _recognition
from .research import urlpatterns as _research

urlpatterns = [*_home, *_files, *_agreements, *_plans, *_research, *_recognition]
