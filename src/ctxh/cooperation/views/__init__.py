"""The cooperation pages, one module per area; ``urlpatterns`` gathers theirs."""

from .home import urlpatterns as _home

urlpatterns = [*_home]
