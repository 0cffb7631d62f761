"""The client's IP address: how it is read from a request, and the one of the request being served.

`client_ip(request)` is the only place that decides which address is the client's: REMOTE_ADDR, or,
behind TRUSTED_PROXY_COUNT reverse proxies, the address the outermost trusted proxy saw (counted from
the right of X-Forwarded-For, so a client cannot forge it by sending its own header). The audit trail,
rate limits and django-axes all use it.

`ClientIpMiddleware` keeps the address of the request in progress in a context variable, so the audit
trail (`dossiers.lifecycle`) records it without every view threading it through every service call;
`current_client_ip()` is None outside a request (Celery tasks, management commands).
"""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

_current = ContextVar("motcua_client_ip", default=None)


def _valid(address):
    """The address in canonical form, or None when it is not an IP address (a unix socket, garbage)."""
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def client_ip(request):
    """The client's IP address for `request`, or None when the server did not give a usable one."""
    remote = _valid(request.META.get("REMOTE_ADDR"))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    # REMOTE_ADDR is the last proxy; each proxy before it appended the address it received from.
    if len(forwarded) < proxies:
        return remote  # not through the whole proxy chain (or misconfigured): trust only the socket
    return _valid(forwarded[-proxies]) or remote


def current_client_ip():
    """The client IP of the request being served in this thread / task, or None outside a request."""
    return _current.get()


class ClientIpMiddleware:
    """Sets `current_client_ip()` for the duration of each request (reset afterwards, so a thread that
    serves the next request, or runs a task, never sees a stale address)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
