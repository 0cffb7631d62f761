"""Site-wide middleware: a clean 503 for a lost database, Permissions-Policy, language, compression."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(exception):
    return isinstance(exception, DATABASE_ERRORS)


def database_unavailable_response(request):
    """503 for a lost database: the static Vietnamese page (no template context: it must not need the
    database) or, under /api/, JSON. Broken connections are dropped so the next request reconnects."""
    for conn in connections.all(initialized_only=True):
        conn.close_if_unusable_or_obsolete()
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": "Hệ thống tạm thời gián đoạn, vui lòng thử lại sau. / Service temporarily unavailable."},
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "10"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database error raised by a view into a 503. Errors raised by other middleware (loading or
    saving the session, axes) never reach process_exception; `portal.views.error_500` catches those."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("database unavailable: %s", exception)
        return database_unavailable_response(request)


class PermissionsPolicyMiddleware:
    """Sets the Permissions-Policy header from settings.PERMISSIONS_POLICY on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class LanguageMiddleware(LocaleMiddleware):
    """Vietnamese first: the language is the one the visitor chose (cookie), else LANGUAGE_CODE.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
    phone would get English on a Vietnamese public portal; the switch in the header sets the cookie.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PageGZipMiddleware(GZipMiddleware):
    """Compresses pages and API answers (the provincial dashboard is ~800 KB of HTML, ~35 KB gzipped), not
    files: documents and results (PDF, images, archives) are already compressed or must reach the user
    byte for byte, and static files come precompressed from whitenoise. Django's GZipMiddleware pads its
    output against BREACH."""

    COMPRESSIBLE = ("text/", "application/json", "application/vnd.oai.openapi", "application/javascript")

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.COMPRESSIBLE):
            return response
        return super().process_response(request, response)
