"""Read replica for the statistics pages: a database router and the block that turns it on.

With `REPLICA_DATABASE_URL` set, settings add a `replica` alias and this router. Reads inside
`with replica_reads():` (the dashboard, the drill-down lists, the exports, the public page and the
reports API GETs: `reports.views`, `reports.api`) go to the replica; everything else (every write, every
page that is not a statistics page) stays on the primary (`default`). Decisions about who may see
what are read from the primary even inside the block (accounts, roles, sessions, tokens): revoking a
role takes effect at once, whatever the replica's lag. Without the alias (or with
REPLICA_READS_ENABLED off) the router answers None and Django uses `default`.

A streaming replica lags by a fraction of a second to seconds: the statistics it serves are computed
monthly and nightly, so the lag is not visible; a page that writes and then reads back must not be
in the block.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
# Models read from the primary even inside replica_reads(): who the user is and what they may see.
PRIMARY_APPS = {"auth", "sessions", "authtoken", "oauth2_provider", "axes", "contenttypes", "admin"}
PRIMARY_MODELS = {("dossiers", "user"), ("dossiers", "agencymembership")}

_reading = ContextVar("replica_reads", default=False)


def replica_configured():
    return REPLICA in settings.DATABASES and getattr(settings, "REPLICA_READS_ENABLED", True)


@contextmanager
def replica_reads():
    """Inside the block, reads of the statistics and of the dossiers behind them go to the replica."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_replica(view):
    """Decorator: the whole view runs inside replica_reads() (a GET that writes nothing)."""
    from functools import wraps

    @wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Sends reads inside replica_reads() to the `replica` alias when it is configured; writes never."""

    def db_for_read(self, model, **hints):
        if not _reading.get() or not replica_configured():
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_APPS or (meta.app_label, meta.model_name) in PRIMARY_MODELS:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: objects read from either may be related.
        return True
