"""``/verify/<code>/``: anyone, without signing in, checks a document by its code.

The page says whether the document is genuine and still valid (or void, since when, and
which document replaced it), with its kind, number, date, issuer and the holder's name
shortened to initials — nothing else personal. A client may ask
``CTXH_VERIFY_RATE_LIMIT`` times a minute (per address, through the shared cache), so the
codes cannot be guessed by trying them; more is answered 429.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ctxh.core.ratelimit import over_limit

from ..selectors import verification

DEFAULT_RATE_LIMIT = 30  # requests per minute per client address


def _limited(request) -> bool:
    """Count this request; True when the client asked more than the limit this minute."""
    limit = getattr(settings, "CTXH_VERIFY_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    return over_limit(request, scope="verify", limit=limit)


def _too_many(request):
    response = render(request, "documents/verify_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


@never_cache
@require_GET
def verify(request, code: str):
    if _limited(request):
        return _too_many(request)
    found = verification(code)
    if found is None:
        return render(request, "documents/verify_missing.html", {"code": code}, status=404)
    return render(request, "documents/verify.html", {"doc": found, "code": code})


@never_cache
@require_GET
def verify_lookup(request):
    """A form to type a code (the one printed under the QR code)."""
    code = "".join((request.GET.get("code") or "").split())
    if code:
        if len(code) > 32 or not all(c.isalnum() or c in "-_" for c in code):
            return render(request, "documents/verify_missing.html", {"code": code}, status=404)
        return redirect(reverse("verify", kwargs={"code": code}))
    return render(request, "documents/verify_form.html")
