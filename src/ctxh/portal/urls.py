"""The portal app's URLs: each area's view module brings its own ``urlpatterns``."""

from .views import urlpatterns  # noqa: F401

app_name = "portal"
