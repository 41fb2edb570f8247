"""The documents' pages for their issuers (``/documents/``)."""

from .views.documents import urlpatterns  # noqa: F401

app_name = "documents"
