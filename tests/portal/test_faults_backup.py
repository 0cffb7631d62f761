"""`make backup` / `make restore` round-trip a populated site: every table's rows and every stored file."""

import hashlib
import os
import shutil
import subprocess
import sys

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.db import connection

from dossiers import services
from dossiers.models import Document
from portal import backup
from tests import factories
from tests.processes import ROOT, database_url

pytestmark = [pytest.mark.slow]


def _row_counts(db):
    conn = psycopg2.connect(**_dsn(db))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
            tables = [name for (name,) in cur.fetchall()]
            counts = {}
            for table in tables:
                cur.execute(f'SELECT count(*) FROM "{table}"')
                counts[table] = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'dossiers_event_append_only'")
            counts["<append-only trigger>"] = cur.fetchone()[0]
            return counts
    finally:
        conn.close()


def _script(*args, **env):
    result = subprocess.run([sys.executable, "scripts/backup.py", *args], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env}, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_backup_then_restore_round_trips_rows_and_files(transactional_db, tmp_path, settings):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}}}
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    for n in range(3):
        citizen = factories.UserFactory()
        dossier = services.dossier_create_draft(procedure=procedure, agency=agency, applicant=citizen)
        for k in range(2):
            content = os.urandom(2048 + n * 100 + k)
            document = Document(dossier=dossier, name=f"Giấy tờ {k}", original_name=f"to-khai-{k}.pdf",
                                size=len(content), sha256=hashlib.sha256(content).hexdigest())
            document.file.save("upload", ContentFile(content), save=True)
        services.dossier_submit(dossier=dossier, actor=citizen)
    source = connection.settings_dict
    before = _row_counts(source)
    assert before["dossiers_document"] == 6 and before["dossiers_dossierevent"] == 3

    out = _script("backup", "--dest", str(tmp_path / "backups"), DATABASE_URL=database_url(source),
                  MEDIA_ROOT=str(media))
    [stamp] = (tmp_path / "backups").iterdir()
    assert {p.name for p in stamp.iterdir()} == {"database.dump", "media.tar", "manifest.json"}, out

    # Disaster: the files are gone; the site comes back in a fresh database (left with junk to drop).
    shutil.rmtree(media)
    target = {**source, "NAME": f"{source['NAME']}_restored"}
    conn = psycopg2.connect(**_dsn(source, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}"')
        cur.execute(f'CREATE DATABASE "{target["NAME"]}"')
    try:
        with psycopg2.connect(**_dsn(target)) as junk, junk.cursor() as cur:
            cur.execute("CREATE TABLE junk (id int)")
        _script("restore", str(stamp), "--yes", DATABASE_URL=database_url(target), MEDIA_ROOT=str(media))

        assert _row_counts(target) == before
        for document in Document.objects.all():
            with open(media / document.file.name, "rb") as f:
                assert hashlib.sha256(f.read()).hexdigest() == document.sha256
    finally:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target["NAME"]}" WITH (FORCE)')
        conn.close()


def _dsn(db, dbname=None):
    return {"host": (db.get("OPTIONS") or {}).get("host") or db["HOST"], "port": db["PORT"] or 5432,
            "user": db["USER"], "password": db.get("PASSWORD") or None, "dbname": dbname or db["NAME"]}


@pytest.mark.django_db
def test_dump_tools_match_the_server_major_version():
    major = backup.server_major(connection.settings_dict)
    assert backup.tool_major(backup.find_tool("pg_dump", major)) == major
    assert backup.tool_major(backup.find_tool("pg_restore", 16)) == 16  # the embedded server's own
