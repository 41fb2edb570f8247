"""The monitoring pages, one module per area; ``urlpatterns`` gathers theirs."""

from .dashboard import urlpatterns as _dashboard
from .indicators import urlpatterns as _indicators
from .reports import urlpatterns as _reports
from .submissions import urlpatterns as _submissions

urlpatterns = [*_dashboard, *_indicators, *_submissions, *_reports]
