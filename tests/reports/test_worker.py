"""compute_month end to end through a real Celery worker process and Redis, on the test database."""

import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from reports import tasks
from reports.models import MonthlyAgencyStat

REPO = Path(__file__).resolve().parents[2]


def _test_database_url():
    """DATABASE_URL of the test database pytest-django created (TCP or unix socket)."""
    s = connection.settings_dict
    user = quote(s["USER"] or "postgres")
    password = f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else ""
    host = s.get("HOST") or s.get("OPTIONS", {}).get("host") or ""
    if host.startswith("/"):
        return f"postgres://{user}{password}@/{s['NAME']}?host={host}"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{s['NAME']}"


@pytest.fixture
def worker():
    queue = f"reports-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "DB_CONN_MAX_AGE": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_computes_a_month_and_a_range_with_progress(structure, march, worker):
    result = tasks.compute_month.apply_async(args=["2025-03"], queue=worker)
    assert result.get(timeout=120) == {"month": "2025-03-01", "rows": 4}
    row = MonthlyAgencyStat.objects.get(month=date(2025, 3, 1), agency=structure["a"])
    assert (row.received, row.received_online, row.completed, row.completed_on_time) == (7, 3, 3, 2)

    ranged = tasks.compute_range.apply_async(args=["2025-02-01", "2025-04-01"], queue=worker)
    assert ranged.get(timeout=120) == {"done": 3, "total": 3}
    months = set(MonthlyAgencyStat.objects.values_list("month", flat=True))
    assert months == {date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)}
