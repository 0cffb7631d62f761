"""Shared fixtures. Tests run against the real PostgreSQL and Redis named by DATABASE_URL/REDIS_URL."""

import uuid

import pytest

from tests import factories


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Make `--dist loadgroup` group again: pytest-xdist 3.8 tags grouped tests by assigning
    `item._nodeid`, which pytest 9 no longer reads (the node id lives in `item._id`), so the
    `xdist_group("celery")` tests were spread over both processes and purged each other's queue."""
    if getattr(config.option, "loadgroup", False) is not True:
        return
    from _pytest.nodeid import coerce_node_id

    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix):
            item._id = coerce_node_id(item.nodeid + suffix)


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


@pytest.fixture(autouse=True)
def _breakers_closed():
    """Each test starts with the circuit breakers closed: the fail-open cache's (portal/cache.py) and
    the task publisher's (portal/celery.py)."""
    from portal import cache, celery

    cache._skip_until.clear()
    celery._skip_until = 0.0
    yield
    cache._skip_until.clear()
    celery._skip_until = 0.0


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
    """A real `celery worker` process on the test database and the suite's Redis (tests/settings.py),
    consuming every queue.

    Tests using it must be marked `@pytest.mark.xdist_group("celery")` (make test runs with
    --dist loadgroup), so one worker at a time consumes the test process's queues, purged first.
    Yields the worker's node name. (tests/processes.py starts workers with other settings.)
    """
    from django.conf import settings as django_settings
    from django.db import connection

    from portal.celery import app
    from tests.processes import database_url, start_celery_worker, stop_process, tail_log

    app.control.purge()
    with open(tmp_path / "worker.log", "w+") as log:
        process, node = start_celery_worker(
            log, DATABASE_URL=database_url(connection.settings_dict), REDIS_URL=django_settings.REDIS_URL
        )
        try:
            yield node
        finally:
            stop_process(process)
            print("--- celery worker log (tail) ---\n" + tail_log(log))  # shown by pytest on failure
