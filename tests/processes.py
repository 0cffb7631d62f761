"""Real processes for fault tests: Celery workers and a gunicorn web server on the test database."""

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def database_url(settings_dict):
    """A DATABASE_URL for a child process, from a Django connection's settings (TCP or unix socket)."""
    options = settings_dict.get("OPTIONS", {})
    host = options.get("host") or settings_dict["HOST"]
    user, name = settings_dict["USER"], settings_dict["NAME"]
    if host.startswith("/"):
        return f"postgres://{user}@/{name}?host={host}"
    return f"postgres://{user}@{host}:{settings_dict['PORT'] or 5432}/{name}"


def wait_for(predicate, timeout, interval=0.2):
    """Poll `predicate` until it is true (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def tail_log(log):
    log.flush()
    log.seek(0)
    return log.read()[-3000:]


def start_celery_worker(log, *, pool="solo", concurrency=1, control=None, **env):
    """Start `celery worker --pool solo` (or another pool) consuming every queue (notifications,
    statistics, reports, default) with the current environment plus `env`; return (process, node name)
    once it answers a ping (sent through the `control` app, by default the suite's). `log` is an open
    text file (w+) for its output."""
    from django.conf import settings

    from portal.celery import app

    control = control or app
    queues = ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES)
    name = f"test-{uuid.uuid4().hex[:8]}@%h"
    environment = {**os.environ, "DB_CONN_MAX_AGE": "0", "EMAIL_URL": "consolemail://", **env}
    process = subprocess.Popen(
        [str(BIN / "celery"), "-A", "portal", "worker", "--pool", pool, "--concurrency", str(concurrency),
         "-Q", queues, "--hostname", name, "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )
    node = name.replace("%h", socket.gethostname())
    deadline = time.monotonic() + 60  # a loaded 2-core machine
    while time.monotonic() < deadline and process.poll() is None:
        if any(node in reply for reply in control.control.ping(timeout=0.5) or []):
            return process, node
    process.kill()
    pytest.fail("celery worker did not answer:\n" + tail_log(log))


def purge_broker():
    """Empty the task queue and forget unacknowledged messages: those of a worker killed by an earlier,
    failed run would otherwise come back into this test's queue once their visibility timeout passed."""
    from portal.celery import app

    app.control.purge()
    with app.connection_for_write() as broker:
        channel = broker.default_channel
        channel.client.delete(channel.unacked_key, channel.unacked_index_key, channel.unacked_mutex_key)


def clear_dead_workers_restore_mutex():
    """After a SIGKILL: drop kombu's restore mutex if the dead worker held it. Every worker scans for
    unacknowledged messages under that Redis mutex (here every 0.5 s); one killed inside the scan
    leaves it set for `unacked_mutex_expire` (300 s), so no one would restore the dead worker's
    messages for five minutes: harmless in production (the visibility timeout is an hour), a timeout
    in a test. Returns whether it was held."""
    from portal.celery import app

    with app.connection_for_write() as broker:
        return bool(broker.default_channel.client.delete(broker.default_channel.unacked_mutex_key))


def stop_process(process, timeout=20):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_web_server(port, log, **env):
    """Start gunicorn (1 worker, 2 threads) on 127.0.0.1:`port`; return the process once it answers."""
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", **env}
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
         "--timeout", "30", "--graceful-timeout", "2", "--no-control-socket"],
        cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            http("GET", f"http://127.0.0.1:{port}/healthz", timeout=2)  # any answer (503, 301) means up
            return process
        except OSError:
            time.sleep(0.1)
    stop_process(process)
    pytest.fail("web server did not answer:\n" + tail_log(log))


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http(method, url, data=None, headers=None, timeout=10):
    """One request without following redirects: (status, headers, body text). Never raises on 4xx/5xx."""
    opener = urllib.request.build_opener(NoRedirect)
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def cookies(headers):
    """name -> (value, attributes in lower case) of every Set-Cookie header."""
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        first, *attributes = [part.strip() for part in header.split(";")]
        name, _, value = first.partition("=")
        found[name] = (value, [a.lower() for a in attributes])
    return found


class LockHolder:
    """A second PostgreSQL session that takes a lock and keeps it until `release()`.

    It pins another session (a worker's, a thread's) at a chosen point of its transaction, waiting on
    a real lock, so a fault test can act while that transaction is open, deterministically and without
    a test-only hook in the code under test. Use as a context manager; `release()` rolls back.
    """

    def __init__(self, settings_dict):
        import psycopg2

        self.connection = psycopg2.connect(database_url(settings_dict))
        self.cursor = self.connection.cursor()
        self.cursor.execute("SELECT pg_backend_pid()")
        self.pid = self.cursor.fetchone()[0]

    def execute(self, sql, params=None):
        self.cursor.execute(sql, params)
        return self

    def release(self):
        if not self.connection.closed:
            self.connection.rollback()
            self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.release()


def backends_waiting_on_locks(cursor, exclude=()):
    """{pid: (wait_event, query)} of the other sessions of this database waiting for a heavyweight lock."""
    cursor.execute(
        "SELECT pid, wait_event, query FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
    )
    return {pid: (event, query) for pid, event, query in cursor.fetchall() if pid not in exclude}


@contextlib.contextmanager
def hanging_redis():
    """A TCP server on 127.0.0.1 that accepts connections and never answers, like a paused Redis (a
    refused connection fails at once; this one costs the client its socket timeout). Yields its URL."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in held:
            connection.close()
        server.close()
