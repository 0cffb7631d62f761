"""The Celery application (configuration lives in Django settings under the CELERY_ namespace) and the
one way web code hands it a task: `publish`."""

import os
import time

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class QueueUnavailable(Exception):
    """The broker did not take the task (or failed within BROKER_RETRY_SECONDS): nothing was queued."""


# time.monotonic() until which this process does not try the broker (set by a failed publish).
_skip_until = 0.0


def registered(name):
    """The task registered under `name`, loading the apps' tasks modules the first time (a KeyError for
    a name no app declares). Not app.send_task: it subscribes to the result before publishing, which
    costs three socket timeouts on a hung Redis instead of one."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def publish(task, *args):
    """Send `task(*args)` once, without Celery's retry loop; returns its AsyncResult.

    `task` is the task's registered name ("reports.build_monthly_report"): web code publishes by name,
    so the services never import the worker modules that import them back (no import circle, checked
    by import-linter in `make check`). A task object is accepted too.

    Raises QueueUnavailable instead of whatever the broker raised. A broker that hangs rather than
    refuses (a paused Redis) costs its socket timeout on every publish, so after a failure the process
    sends nothing for BROKER_RETRY_SECONDS and raises at once: callers keep the work for a relay (the
    outbox, unbuilt reports) or ask the user to try again, and no request waits on the broker twice.
    """
    global _skip_until
    from django.conf import settings

    if isinstance(task, str):
        task = registered(task)
    if time.monotonic() < _skip_until:
        raise QueueUnavailable("the broker failed a moment ago")
    try:
        return task.apply_async(args=list(args), retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker error: the caller decides what waits
        _skip_until = time.monotonic() + settings.BROKER_RETRY_SECONDS
        raise QueueUnavailable(str(exc)) from exc
