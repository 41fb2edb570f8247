"""The cooperation pages, one module per area; ``urlpatterns`` gathers theirs."""

from .files import urlpatterns as _files
from .home import urlpatterns as _home

urlpatterns = [*_home, *_files]
