"""The Django cache on Redis, failing open: an unreachable Redis is a cache miss, never a 500.

Everything cached here (filter lists, rate-limit counters) can be recomputed or skipped, so during a
Redis outage pages keep working from the database: reads return the default, writes do nothing,
`incr` raises ValueError as for a missing key, and `run_script` (the rate limits' Lua script) returns
the caller's default (so rate limits let the request through). Each failure logs a warning; /healthz
reports the outage.

A Redis that hangs rather than refuses (a paused server, a lost network) costs the socket timeout on
every call, twice per page that reads then fills the cache. So after a failure the process skips the
cache altogether for CACHE_RETRY_SECONDS (a circuit breaker, shared by the process's threads), then
tries again.
"""

import functools
import logging
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Redis location -> time.monotonic() until which the cache is skipped (set by a failure).
_skip_until = {}


def _fail_open(name, fallback, method=None):
    method = method or getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if time.monotonic() < _skip_until.get(self._location_key, 0):
            return fallback(*args, **kwargs)
        try:
            return method(self, *args, **kwargs)
        except UNAVAILABLE as exc:
            _skip_until[self._location_key] = time.monotonic() + settings.CACHE_RETRY_SECONDS
            logger.warning("cache unavailable, %s skipped (and the cache for %s s): %s", name,
                           settings.CACHE_RETRY_SECONDS, exc)
            return fallback(*args, **kwargs)

    return wrapper


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (cache unavailable)")


def _run_script(self, script, key, *args, default=None, version=None):
    """Run the Lua `script` on one cache key (prefixed like every key) with `args`; Redis executes it
    atomically. `default` is the answer when Redis is unavailable (portal/ratelimit.py)."""
    key = self.make_and_validate_key(key, version=version)
    return self._cache.get_client(key, write=True).eval(script, 1, key, *args)


class FailOpenRedisCache(RedisCache):
    @property
    def _location_key(self):
        return tuple(self._servers)

    run_script = _fail_open("run_script", lambda *args, default=None, **kwargs: default, _run_script)

    get = _fail_open("get", lambda key, default=None, version=None: default)
    get_many = _fail_open("get_many", lambda *a, **k: {})
    has_key = _fail_open("has_key", lambda *a, **k: False)
    add = _fail_open("add", lambda *a, **k: False)
    set = _fail_open("set", lambda *a, **k: None)
    set_many = _fail_open("set_many", lambda *a, **k: [])
    touch = _fail_open("touch", lambda *a, **k: False)
    delete = _fail_open("delete", lambda *a, **k: False)
    delete_many = _fail_open("delete_many", lambda *a, **k: None)
    incr = _fail_open("incr", _missing_key)
