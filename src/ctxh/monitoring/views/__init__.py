"""The monitoring pages, one module per area; ``urlpatterns`` gathers theirs."""

from .dashboard import urlpatterns as _dashboard
from .indicators import urlpatterns as _indicators

urlpatterns = [*_dashboard, *_indicators]
