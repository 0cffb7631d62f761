"""The suite keeps off the site's Redis: `make test` beside `make demo` (issue 20 item 16).

The "site" here is what REDIS_URL named before tests/settings.py moved the suite to its own database
and key prefix: a demo's worker consuming the default queue there must not take a test's task, and
the suite's purge must not touch the demo's queue or its unacknowledged tasks.
"""

import os
import time
import uuid

import pytest
import redis
from celery import Celery
from django.conf import settings

from portal.embedded import celery_broker_url
from tests.processes import database_url, purge_broker, start_celery_worker, stop_process, tail_log

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery")]

SITE_REDIS_URL = os.environ.get("MOTCUA_SITE_REDIS_URL", settings.REDIS_URL)


def site_environment():
    """The environment of a process of the site itself (the demo's worker): its settings, its Redis."""
    environment = {name: value for name, value in os.environ.items()
                   if name not in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")}
    return {**environment, "DJANGO_SETTINGS_MODULE": "portal.settings", "REDIS_URL": SITE_REDIS_URL,
            "REDIS_KEY_PREFIX": ""}


def test_the_suite_uses_another_redis_database_than_the_site():
    site = redis.Redis.from_url(SITE_REDIS_URL).connection_pool.connection_kwargs["db"]
    suite = redis.Redis.from_url(settings.REDIS_URL).connection_pool.connection_kwargs["db"]
    assert suite != site
    assert settings.CELERY_BROKER_URL == celery_broker_url(settings.REDIS_URL)
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"].startswith("test")


def test_a_foreign_worker_on_the_sites_default_queue_does_not_take_a_tests_task(transactional_db, tmp_path):
    from django.db import connection

    from portal.celery import app

    site = Celery("site", broker=celery_broker_url(SITE_REDIS_URL), set_as_current=False)
    purge_broker()
    with open(tmp_path / "foreign.log", "w+") as foreign_log, open(tmp_path / "suite.log", "w+") as suite_log:
        foreign, _ = start_celery_worker(foreign_log, control=site, **site_environment())
        suite = None
        try:
            results = [app.send_task("celery.accumulate", args=[number]) for number in range(5)]
            # The foreign worker is the only one running: on a shared queue it would take them at once.
            time.sleep(3)
            suite, _ = start_celery_worker(suite_log, DATABASE_URL=database_url(connection.settings_dict))
            assert [result.get(timeout=60) for result in results] == [[number] for number in range(5)]
            assert foreign.poll() is None, tail_log(foreign_log)
            received = tail_log(foreign_log)
            assert not [result.id for result in results if result.id in received], received
        finally:
            stop_process(foreign)
            if suite is not None:
                stop_process(suite)


def test_the_suites_purge_leaves_the_sites_queue_and_unacknowledged_tasks_alone():
    site = redis.Redis.from_url(SITE_REDIS_URL)
    from portal.celery import app

    probe = f"test-probe-{uuid.uuid4().hex}"
    default_queue = app.conf.task_default_queue
    # A key named like the suite's default queue but without its prefix: another site's on the same database.
    unprefixed = redis.Redis.from_url(settings.REDIS_URL)
    try:
        site.hset("unacked", probe, "{}")
        site.zadd("unacked_index", {probe: time.time()})
        unprefixed.lpush(default_queue, probe)
        purge_broker()
        assert site.hexists("unacked", probe)
        assert site.zscore("unacked_index", probe) is not None
        assert probe.encode() in unprefixed.lrange(default_queue, 0, -1)
    finally:
        site.hdel("unacked", probe)
        site.zrem("unacked_index", probe)
        unprefixed.lrem(default_queue, 0, probe)
