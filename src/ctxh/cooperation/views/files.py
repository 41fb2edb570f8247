"""``cooperation:file``: an attached file, served only to who may see its owner record.

The file is read from the private storage (no URL serves it) and sent as a download
(``Content-Disposition: attachment``) with the type read from its content at upload and
``X-Content-Type-Options: nosniff``, so a browser never renders it in the application's
origin. A user whose role may not see that kind of record gets 403; a record outside the
user's scope (or a missing file) 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET

from ctxh.core.permissions import require
from ctxh.core.scoping import scope_for

from ..models import Attachment


def visible_attachment(user, pk: int) -> Attachment:
    """The attachment ``pk`` if ``user`` may see its owner (403 / 404 otherwise)."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    model = attachment.content_type.model_class()
    if model is None:
        raise Http404
    require(user, model, "view")
    owner = attachment.owner
    if owner is None or not scope_for(user, model, "view").covers_object(owner):
        raise Http404
    return attachment


@login_required
@require_GET
def file(request, pk: int):
    attachment = visible_attachment(request.user, pk)
    try:
        stream = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [path("files/<int:pk>/", file, name="file")]
