"""Fixed-window rate limits on the Django cache (Redis), failing open.

    from portal import ratelimit
    if not ratelimit.hit(f"register:{ratelimit.client_ip(request)}", limit=10, window_seconds=3600):
        return render(request, "429.html", status=429)

`hit()` counts one attempt and says whether it is allowed. When the cache (Redis) is unreachable it
allows the request and logs a warning: a rate limit must never turn a Redis outage into an outage of
the portal. (The configured cache, portal.cache.FailOpenRedisCache, already turns an outage into
misses; the except clause below keeps this true under any cache backend.) Use it for every public form or look-up that needs throttling (registration, the public
dossier look-up) rather than a per-view counter.
"""

import logging
import time

from django.core.cache import cache

from portal.client_ip import client_ip as _client_ip

logger = logging.getLogger(__name__)


def hit(key, limit, window_seconds):
    """Count one attempt for `key`; True if it is within `limit` per `window_seconds` (or Redis is down)."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{key}:{window}"
    try:
        # add() is atomic (SET NX): only the first attempt of a window creates the counter.
        if cache.add(cache_key, 1, timeout=window_seconds + 1):
            count = 1
        else:
            try:
                count = cache.incr(cache_key)
            except ValueError:  # expired between add() and incr(): this attempt opens a new window
                cache.set(cache_key, 1, timeout=window_seconds + 1)
                count = 1
    except Exception as exc:  # noqa: BLE001 - any cache failure fails open
        logger.warning("rate limit %s not enforced, cache unavailable: %s", key.split(":")[0], exc)
        return True
    return count <= limit


def client_ip(request):
    """The client's address as a key part ("" when unknown); behind proxies see TRUSTED_PROXY_COUNT."""
    return _client_ip(request) or ""
