"""The permission matrix every page and endpoint is checked against (STYLE.md, Tests).

    anonymous                          -> login redirect (pages) / 401 or 403 (API)
    another citizen / other agency     -> 404 (existence is not revealed)
    owner / officer of the agency      -> 200 (or the given success status)

Usage:
    assert_permission_matrix(client, "get", url, anonymous=..., outsiders=[u1, u2], insiders=[owner])
"""

from django.conf import settings
from django.urls import reverse


def _call(client, method, url, data=None, **extra):
    call = getattr(client, method.lower())
    if data is None:
        return call(url, **extra)
    return call(url, data, **extra)


def assert_permission_matrix(client, method, url, *, outsiders, insiders, api=None, data=None,
                             ok_statuses=(200,), **extra):
    """Check one URL for anonymous, each outsider and each insider. Returns the insiders' responses."""
    api = url.startswith("/api/") if api is None else api
    client.logout()
    response = _call(client, method, url, data, **extra)
    if api:
        assert response.status_code in (401, 403), f"anonymous {method} {url}: {response.status_code}"
    else:
        assert response.status_code == 302, f"anonymous {method} {url}: {response.status_code}"
        assert response["Location"].startswith(reverse(settings.LOGIN_URL)), response["Location"]
    for user in outsiders:
        client.force_login(user)
        response = _call(client, method, url, data, **extra)
        assert response.status_code == 404, f"{user} {method} {url}: {response.status_code} (expected 404)"
    responses = []
    for user in insiders:
        client.force_login(user)
        response = _call(client, method, url, data, **extra)
        assert response.status_code in ok_statuses, f"{user} {method} {url}: {response.status_code}"
        responses.append(response)
    client.logout()
    return responses


def assert_public(client, method, url, *, users, ok_statuses=(200,), data=None, **extra):
    """Public pages and read-only endpoints (catalogue, calendar): anonymous and every user get 200."""
    client.logout()
    responses = [_call(client, method, url, data, **extra)]
    for user in users:
        client.force_login(user)
        responses.append(_call(client, method, url, data, **extra))
    client.logout()
    for response in responses:
        assert response.status_code in ok_statuses, f"{method} {url}: {response.status_code}"
    return responses
