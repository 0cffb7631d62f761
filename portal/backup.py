"""Back up and restore a MotCua site: the PostgreSQL database and the stored files (MEDIA_ROOT).

    python scripts/backup.py backup [--dest var/backups]    -> var/backups/<YYYYmmdd-HHMMSS>/
    python scripts/backup.py restore var/backups/<stamp> [--yes]

(`make backup`, `make restore BACKUP=var/backups/<stamp>`.) The database and file locations come from
the Django settings, i.e. DATABASE_URL and MEDIA_ROOT. A backup directory holds

    database.dump   pg_dump custom format (no owners or grants: restorable under any role)
    media.tar       the files under MEDIA_ROOT, paths relative to it
    manifest.json   when, from which server, and the sha256 of every file

Restore DROPS and recreates the database named by DATABASE_URL (WITH (FORCE): other sessions are
disconnected), runs pg_restore, then replaces the contents of MEDIA_ROOT with the archived files.

pg_dump/pg_restore must match the server's major version (a newer pg_dump cannot be restored by an
older pg_restore, an older pg_dump refuses a newer server). The tools are picked by asking the server
its version, among: the embedded PostgreSQL's binaries (pgserver wheel), /usr/lib/postgresql/<N>/bin
and the PATH. With S3 storage (S3_BUCKET) only the database is backed up: use the bucket's versioning.
"""

import argparse
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _settings():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

    django.setup()
    from django.conf import settings

    return settings


def _libpq_env(db):
    host = (db.get("OPTIONS") or {}).get("host") or db.get("HOST") or ""
    env = {**os.environ, "PGHOST": host, "PGPORT": str(db.get("PORT") or 5432), "PGUSER": db.get("USER") or ""}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _connect(db, dbname):
    import psycopg2

    env = _libpq_env(db)
    return psycopg2.connect(host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"],
                            password=env.get("PGPASSWORD"), dbname=dbname, connect_timeout=10)


def server_major(db):
    conn = _connect(db, db["NAME"] if _database_exists(db) else "postgres")
    try:
        return conn.server_version // 10000
    finally:
        conn.close()


def _database_exists(db):
    conn = _connect(db, "postgres")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            return cur.fetchone() is not None
    finally:
        conn.close()


def tool_major(path):
    out = subprocess.run([str(path), "--version"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"\) (\d+)", out).group(1))


def find_tool(name, major):
    """The `name` binary (pg_dump, pg_restore) of PostgreSQL `major`, else a newer one, else fail."""
    candidates = []
    spec = importlib.util.find_spec("pgserver")
    if spec is not None:
        candidates.append(Path(spec.submodule_search_locations[0], "pginstall", "bin", name))
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    found = [(c, tool_major(c)) for c in candidates if c.exists()]
    for path, version in found:
        if version == major:
            return path
    newer = sorted((v, p) for p, v in found if v > major)
    if newer:
        return newer[0][1]
    raise SystemExit(f"no {name} for PostgreSQL {major} (found: {', '.join(f'{p} ({v})' for p, v in found)})")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def dump_database(db, path, *, major=None):
    """pg_dump (custom format, no owners or grants) of the database in Django settings dict `db`.
    Returns the pg_dump used."""
    pg_dump = find_tool("pg_dump", major or server_major(db))
    subprocess.run([str(pg_dump), "--format=custom", "--no-owner", "--no-acl", "--file", str(path), db["NAME"]],
                   env=_libpq_env(db), check=True)
    return pg_dump


def restore_database(db, path):
    """Drop and recreate the database of settings dict `db` (disconnecting its sessions), then pg_restore."""
    conn = _connect(db, "postgres")
    conn.autocommit = True  # DROP/CREATE DATABASE cannot run in a transaction
    try:
        with conn.cursor() as cur:
            name = db["NAME"].replace('"', '""')
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cur.execute(f"CREATE DATABASE \"{name}\" ENCODING 'UTF8' TEMPLATE template0")
    finally:
        conn.close()
    pg_restore = find_tool("pg_restore", server_major(db))
    subprocess.run([str(pg_restore), "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error", "--dbname", db["NAME"], str(path)],
                   env=_libpq_env(db), check=True)


def backup(dest):
    settings = _settings()
    db = settings.DATABASES["default"]
    major = server_major(db)
    target = Path(dest) / datetime.now().strftime("%Y%m%d-%H%M%S")
    target.mkdir(parents=True, exist_ok=False)
    pg_dump = dump_database(db, target / "database.dump", major=major)
    files = {}
    media = Path(settings.MEDIA_ROOT)
    if not settings.S3_BUCKET:
        with tarfile.open(target / "media.tar", "w") as tar:
            if media.is_dir():
                for path in sorted(p for p in media.rglob("*") if p.is_file()):
                    relative = path.relative_to(media).as_posix()
                    files[relative] = _sha256(path)
                    tar.add(path, arcname=relative)
    manifest = {"created_at": datetime.now().astimezone().isoformat(), "database": db["NAME"],
                "server_major": major, "pg_dump": str(pg_dump), "media_root": str(media),
                "s3_bucket": settings.S3_BUCKET or None, "files": files}
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    print(f"backup written to {target} ({len(files)} files)")
    return target


def restore(source, assume_yes=False):
    settings = _settings()
    source = Path(source)
    manifest = json.loads((source / "manifest.json").read_text())
    db = settings.DATABASES["default"]
    media = Path(settings.MEDIA_ROOT)
    if not assume_yes:
        answer = input(f"Xóa và khôi phục cơ sở dữ liệu {db['NAME']!r} và thư mục {media} từ {source}? "
                       "/ Drop and restore? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "c", "co", "có"):
            raise SystemExit("cancelled")
    from django.db import connections

    connections.close_all()
    restore_database(db, source / "database.dump")
    if not manifest.get("s3_bucket"):
        if media.exists():
            shutil.rmtree(media)
        media.mkdir(parents=True)
        with tarfile.open(source / "media.tar") as tar:
            tar.extractall(media, filter="data")  # refuses absolute paths and ../ escapes
        mismatched = [name for name, digest in manifest["files"].items() if _sha256(media / name) != digest]
        if mismatched:
            raise SystemExit(f"restored files differ from the manifest: {mismatched[:5]}")
    print(f"restored {db['NAME']} and {len(manifest['files'])} files from {source}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    backup_parser = commands.add_parser("backup", help="dump the database and archive the stored files")
    backup_parser.add_argument("--dest", default=str(ROOT / "var" / "backups"))
    restore_parser = commands.add_parser("restore", help="drop the database and restore it and the files")
    restore_parser.add_argument("source", help="a backup directory, e.g. var/backups/20260701-020000")
    restore_parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    args = parser.parse_args(argv)
    if args.command == "backup":
        backup(args.dest)
    else:
        restore(args.source, assume_yes=args.yes)
