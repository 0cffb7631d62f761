"""Shared fixtures. Tests run against the real PostgreSQL and Redis named by DATABASE_URL/REDIS_URL."""

import uuid

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets its own cache namespace (rate limits start empty).

    Never `cache.clear()`: it flushes the whole Redis database, which parallel test processes and
    Celery workers share.
    """
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"},
    }


@pytest.fixture
def province(db):
    return factories.province_tree()


@pytest.fixture
def agency(db):
    return factories.AgencyFactory()


@pytest.fixture
def other_agency(db):
    return factories.AgencyFactory()


@pytest.fixture
def citizen(db):
    return factories.UserFactory()


@pytest.fixture
def other_citizen(db):
    return factories.UserFactory()


@pytest.fixture
def desk_officer(agency):
    return factories.officer(agency, "desk_officer")


@pytest.fixture
def specialist(agency):
    return factories.officer(agency, "specialist")


@pytest.fixture
def leader(agency):
    return factories.officer(agency, "leader")


@pytest.fixture
def monitor(db):
    return factories.monitor()


@pytest.fixture
def procedure(agency):
    return factories.ProcedureFactory(agencies=[agency])


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real `celery worker` process on the test database and the configured Redis.

    Tests using it must be marked `@pytest.mark.xdist_group("celery")` (make test runs with
    --dist loadgroup), so one worker at a time consumes the shared queue, which is purged first.
    Yields the worker's node name.
    """
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from django.conf import settings as django_settings
    from django.db import connection

    from portal.celery import app

    app.control.purge()
    db = connection.settings_dict
    options = db.get("OPTIONS", {})
    host = options.get("host") or db["HOST"]
    url = f"postgres://{db['USER']}@/{db['NAME']}?host={host}" if host.startswith("/") else (
        f"postgres://{db['USER']}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": django_settings.REDIS_URL, "DB_CONN_MAX_AGE": "0",
           "EMAIL_URL": "consolemail://"}
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "portal", "worker", "--pool", "solo", "--hostname", name,
         "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        cwd=Path(__file__).resolve().parent.parent, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    node = name.replace("%h", __import__("socket").gethostname())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if any(node in reply for reply in app.control.ping(timeout=0.5) or []):
            break
    else:
        process.kill()
        log.seek(0)
        pytest.fail("celery worker did not answer:\n" + log.read()[-3000:])
    if process.poll() is not None:
        log.seek(0)
        pytest.fail("celery worker exited:\n" + log.read()[-3000:])
    try:
        yield node
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.seek(0)
        print("--- celery worker log (tail) ---\n" + log.read()[-4000:])  # shown by pytest on failure
        log.close()
