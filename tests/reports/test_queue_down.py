"""The monitor during a Redis outage: a clear message instead of an error page, nothing half-done, and
the monthly report asked for meanwhile is built once Redis is back.

The outage runs in a separate process whose whole configuration points at a closed port, as a web
process would see it (tests/dossiers/test_outbox_redis_down.py does the same for citizens).
"""

import json
import os
import subprocess
import sys
from datetime import date

import pytest
from django.db import connection

from reports import services
from reports.models import MonthlyAgencyStat, MonthlyReport
from tests.processes import ROOT, database_url, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery")]

OUTAGE = r"""
import json, sys
import django
django.setup()
from django.contrib.messages import get_messages
from django.test import Client
from dossiers.models import User

client = Client()
client.force_login(User.objects.get(pk=int(sys.argv[1])))
recompute = client.post("/thong-ke/tinh-lai/", {"start": "2025-03", "end": "2025-03"}, follow=True)
api = client.post("/api/v1/reports/recompute/", {"start": "2025-03", "end": "2025-03"}, content_type="application/json")
task = client.get("/thong-ke/tac-vu/khong-co-tac-vu/")
report = client.post("/thong-ke/bao-cao/", {"month": "2025-03"})
print(json.dumps({
    "recompute_status": recompute.status_code, "recompute_messages": [str(m) for m in get_messages(recompute.wsgi_request)],
    "recompute_html": recompute.content.decode(),
    "api_status": api.status_code, "api_body": api.json(), "api_retry_after": api.headers.get("Retry-After"),
    "task_status": task.status_code, "task_html": task.content.decode(),
    "report_status": report.status_code,
}))
"""


def test_the_monitor_gets_a_clear_answer_during_an_outage_and_the_report_follows(
        transactional_db, structure, march, monitor, request, settings, tmp_path):
    from django.urls import reverse

    assert reverse("reports:recompute") == "/thong-ke/tinh-lai/"
    assert reverse("reports:task", args=["khong-co-tac-vu"]) == "/thong-ke/tac-vu/khong-co-tac-vu/"
    assert reverse("reports:report-create") == "/thong-ke/bao-cao/"
    services.month_compute(month=date(2025, 3, 1))
    rows_before = sorted(MonthlyAgencyStat.objects.values_list("agency_id", "received", "computed_at"))

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "REDIS_URL": "redis://127.0.0.1:1/0",
           "DATABASE_URL": database_url(connection.settings_dict)}
    result = subprocess.run([sys.executable, "-c", OUTAGE, str(monitor.pk)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    outage = json.loads(result.stdout.strip().splitlines()[-1])

    assert outage["recompute_status"] == 200  # back on the dashboard, not an error page
    assert "Hàng đợi tác vụ tạm thời gián đoạn" in outage["recompute_html"]
    assert outage["api_status"] == 503 and "gián đoạn" in outage["api_body"]["detail"]
    assert outage["api_retry_after"] == "60"
    assert outage["task_status"] == 200 and "hàng đợi tạm thời gián đoạn" in outage["task_html"]
    assert outage["report_status"] == 302
    assert sorted(MonthlyAgencyStat.objects.values_list("agency_id", "received", "computed_at")) == rows_before
    report = MonthlyReport.objects.get()
    assert not report.ready  # asked for, waiting for the queue

    # Redis is back: the beat's requeue hands the report to a real worker, which builds it once.
    request.getfixturevalue("celery_worker_process")
    assert services.monthly_reports_requeue(older_than_seconds=0) == 1
    assert wait_for(lambda: MonthlyReport.objects.filter(pk=report.pk, ready=True).exists(), timeout=90), (
        (tmp_path / "worker.log").read_text()[-3000:])
    assert services.monthly_reports_requeue(older_than_seconds=0) == 0


def test_requeue_is_scheduled_by_beat(settings):
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "reports.requeue_monthly_reports"]
    assert len(entries) == 1 and entries[0]["schedule"] <= 600
