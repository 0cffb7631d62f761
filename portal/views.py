"""Site-wide pages: home and error handlers."""

import logging
import sys

from django.shortcuts import render

from portal.middleware import database_unavailable_response, is_database_unavailable

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "home.html")


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the form was open too long or cookies are blocked; say so in the site's words
    (Django's own page is English and technical)."""
    return render(request, "403.html", {"csrf_failure": True}, status=403)


def error_500(request):
    # Called while Django handles the exception: a lost database (even one raised by the session or
    # auth middleware, outside any view) is a 503 "try again", not an error of ours.
    exception = sys.exc_info()[1]
    if is_database_unavailable(exception):
        logger.warning("database unavailable: %s", exception)
        return database_unavailable_response(request)
    return render(request, "500.html", status=500)
