"""Sliding-window rate limits on the Django cache (Redis), failing open.

    from portal import ratelimit
    if not ratelimit.hit(f"register:{ratelimit.client_ip(request)}", limit=10, window_seconds=3600):
        return render(request, "429.html", status=429)

`hit()` counts one attempt and says whether it is allowed: at most `limit` allowed attempts in any
`window_seconds`, counted back from now. (A fixed window, one counter per calendar hour, let a burst at
the end of one hour and another at the start of the next through: twice the limit; issue 20 item 15.)
Each key is a Redis sorted set of its allowed attempts' times (a sliding log), updated by one Lua script,
so concurrent requests cannot both take the last place; refused attempts are not recorded, so the
window frees up as the old attempts leave it.

When the cache (Redis) is unreachable it allows the request: a rate limit must never turn a Redis outage
into an outage of the portal. (The configured cache, portal.cache.FailOpenRedisCache, answers its
default then; the except clause below keeps this true under any cache backend, with a warning.) Use it
for every public form or look-up that needs throttling (registration, the public dossier look-up)
rather than a per-view counter.
"""

import logging
import time
import uuid

from django.core.cache import cache

from portal.client_ip import client_ip as _client_ip

logger = logging.getLogger(__name__)

# KEYS[1]: the log; ARGV: now (ms), window (ms), limit, a unique member for this attempt. 1 = allowed.
SLIDING_LOG = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
"""


def hit(key, limit, window_seconds):
    """Count one attempt for `key`; True if it is within `limit` per `window_seconds` (or Redis is down)."""
    now_ms = int(time.time() * 1000)  # this process's clock: a frozen clock (time-machine) drives it in tests
    try:
        allowed = cache.run_script(SLIDING_LOG, f"ratelimit:{key}", now_ms, int(window_seconds * 1000), limit,
                                   f"{now_ms}:{uuid.uuid4().hex}", default=1)
    except Exception as exc:  # noqa: BLE001 - any cache failure fails open
        logger.warning("rate limit %s not enforced, cache unavailable: %s", key.split(":")[0], exc)
        return True
    return bool(allowed)


def client_ip(request):
    """The client's address as a key part ("" when unknown); behind proxies see TRUSTED_PROXY_COUNT."""
    return _client_ip(request) or ""
