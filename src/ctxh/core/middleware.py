"""Request middleware: the audit context of a web request, and the Content-Security-Policy."""

from django.conf import settings

from .audit import audit_context
from .clientip import client_ip
from .models import AuditEvent


class AuditContextMiddleware:
    """Marks audit events written during a request with source "web" and the client's IP
    (read through the trusted proxies, :func:`ctxh.core.clientip.client_ip`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip = client_ip(request)
        with audit_context(source=AuditEvent.Source.WEB, ip_address=ip):
            return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Sends the CSP header (no inline scripts anywhere, so scripts are 'self' only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CTXH_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the user chose otherwise (the language cookie set by the switch).

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on most
    office computers says English; the programme works in Vietnamese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
