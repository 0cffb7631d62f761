"""/healthz: is the database, Redis and at least one Celery worker answering? JSON, for operators.

The public answer (load balancers, probes) says only ok / not ok, timings and how many workers answered;
worker host names and error details, which map the internal network, go to staff only (issue 20 item 15).
"""

import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_redis():
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


def _check_celery():
    from portal.celery import app

    replies = app.control.ping(timeout=1.0)
    if not replies:
        raise RuntimeError("no worker answered")
    names = sorted(name for reply in replies for name in reply)
    return {"workers": len(names), "worker_names": names}


# What only staff see of a check's result.
PRIVATE = ("error", "worker_names")


def _run(check):
    started = time.monotonic()
    try:
        extra = check() or {}
        return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1), **extra}
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none raised
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}


@never_cache
def healthz(request):
    checks = {"database": _run(_check_database), "redis": _run(_check_redis)}
    # Pinging workers goes through the broker; skip it when Redis is already known down.
    checks["celery"] = _run(_check_celery) if checks["redis"]["ok"] else {"ok": False, "error": "redis down"}
    healthy = all(c["ok"] for c in checks.values())
    # The session is read from the database: with it down the caller counts as the public.
    if not (checks["database"]["ok"] and request.user.is_staff):
        checks = {name: {k: v for k, v in check.items() if k not in PRIVATE} for name, check in checks.items()}
    return JsonResponse({"status": "ok" if healthy else "degraded", "checks": checks}, status=200 if healthy else 503)
