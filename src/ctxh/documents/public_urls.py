"""The public pages of the documents (no sign-in): ``/verify/`` and ``/verify/<code>/``."""

from django.urls import path

from .views import verify

urlpatterns = [
    path("", verify.verify_lookup, name="verify_lookup"),
    path("<str:code>/", verify.verify, name="verify"),
]
