"""portal.embedded starts, reuses and stops an embedded PostgreSQL and Redis (no Django needed).

MOTCUA_EMBEDDED=1 makes these tests use the embedded servers even where the machine's own
PostgreSQL/Redis answer; those are never touched.
"""

import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
import redis

from portal import embedded

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    base = tmp_path_factory.mktemp("embedded").resolve()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MOTCUA_EMBEDDED", "1")
        mp.delenv("DATABASE_URL", raising=False)
        mp.delenv("REDIS_URL", raising=False)
        try:
            yield base, embedded.resolve(base)
        finally:
            embedded.stop(base)


def test_urls_have_the_documented_forms(servers):
    base, urls = servers
    assert urls["DATABASE_URL"] == f"postgres://postgres@/motcua?host={base}/var/pg"
    assert urls["REDIS_URL"] == f"unix://{base}/var/redis.sock?db=0"


def test_postgres_accepts_the_url(servers):
    _, urls = servers
    conn = psycopg2.connect(urls["DATABASE_URL"])
    try:
        with conn.cursor() as cur:
            cur.execute("CREATE TABLE probe (id int)")
            cur.execute("INSERT INTO probe VALUES (7)")
            cur.execute(
                "SELECT current_database(), current_setting('server_version_num')::int / 10000, sum(id) FROM probe"
            )
            assert cur.fetchone() == ("motcua", 16, 7)
            cur.execute("SHOW server_encoding")
            assert cur.fetchone() == ("UTF8",)
    finally:
        conn.rollback()
        conn.close()


def test_django_environ_reads_the_socket_url(servers):
    environ = pytest.importorskip("environ")
    base, urls = servers
    config = environ.Env.db_url_config(urls["DATABASE_URL"])
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "motcua"
    assert config["OPTIONS"]["host"] == f"{base}/var/pg"


def test_redis_answers_and_celery_form(servers):
    base, urls = servers
    client = redis.Redis.from_url(urls["REDIS_URL"])
    assert client.ping()
    assert client.set("k", "v") and client.get("k") == b"v"
    assert (
        embedded.celery_broker_url(urls["REDIS_URL"])
        == f"redis+socket://{base}/var/redis.sock?virtual_host=0"
    )


def test_second_resolve_reuses_running_servers(servers):
    base, urls = servers
    started = time.monotonic()
    assert embedded.resolve(base) == urls
    assert time.monotonic() - started < 2  # no initdb, no restart
    assert embedded.status(base)["embedded"] == {"postgres": True, "redis": True}


def test_stop_then_nothing_answers(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_EMBEDDED", "1")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert embedded.resolve(tmp_path, start=False) == {"DATABASE_URL": None, "REDIS_URL": None}
    assert not (tmp_path / "var").exists()  # start=False creates nothing
    try:
        assert all(embedded.resolve(tmp_path).values())
    finally:
        assert embedded.stop(tmp_path) == {"postgres": True, "redis": True}
    assert embedded.resolve(tmp_path, start=False) == {"DATABASE_URL": None, "REDIS_URL": None}
    assert embedded.stop(tmp_path) == {"postgres": False, "redis": False}


def test_environment_urls_win(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_EMBEDDED", "1")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/x")
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/2")
    assert embedded.resolve(tmp_path) == {
        "DATABASE_URL": "postgres://u@db.example/x",
        "REDIS_URL": "redis://cache.example:6379/2",
    }
    assert not (tmp_path / "var").exists()


def test_celery_broker_url_conversion():
    assert embedded.celery_broker_url("unix:///a/b.sock?db=3") == "redis+socket:///a/b.sock?virtual_host=3"
    assert embedded.celery_broker_url("unix:///a/b.sock") == "redis+socket:///a/b.sock?virtual_host=0"
    assert embedded.celery_broker_url("redis://h:6379/1") == "redis://h:6379/1"
    assert embedded.cache_location("unix:///a/b.sock?db=0") == "unix:///a/b.sock?db=0"


def test_cli_env_prints_shell_exports(servers):
    # `env` on the repo root never starts anything, so its output is either exports or a hint.
    out = subprocess.run(
        [sys.executable, "-m", "portal.embedded", "env"], cwd=REPO, capture_output=True, text=True, timeout=30
    )
    assert out.returncode in (0, 1)
    for line in out.stdout.splitlines():
        assert line.startswith(("export DATABASE_URL=", "export REDIS_URL="))
