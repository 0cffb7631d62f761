"""Where a form may send the user back to: only a path on this site (issue 20 item 11)."""

from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default):
    """`next` from the POST (or GET) if it points to this site over the request's scheme, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return resolve_url(default)


def redirect_next(request, default):
    return redirect(safe_next(request, default))
