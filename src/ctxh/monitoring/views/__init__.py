"""The monitoring pages, one module per area; ``urlpatterns`` gathers theirs."""

from .home import urlpatterns as _home
from .submissions import urlpatterns as _submissions

urlpatterns = [*_home, *_submissions]
