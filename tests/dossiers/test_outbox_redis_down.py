"""Redis down: citizens still submit, officers still receive, nothing hangs and nothing is lost.

The outage runs in a separate process whose whole configuration (broker, result store, cache) points
at a closed port, as a web process would during an outage. Its notifications stay in the outbox; once
Redis is back, the relay hands them to a real worker, which sends each exactly once.
"""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from dossiers import notifications
from dossiers.models import OutboxMessage, SmsMessage
from tests import factories
from tests.processes import ROOT, database_url, hanging_redis, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery")]

REDIS_DOWN = "redis://127.0.0.1:1/0"

OUTAGE = r"""
import json, sys, time
import django
django.setup()
from django.test import Client
from dossiers import services
from dossiers.models import Dossier, User
from portal import ratelimit

dossier_ids, officer_id = json.loads(sys.argv[1])
officer = User.objects.get(pk=officer_id)
timings = []
for pk in dossier_ids:
    dossier = Dossier.objects.select_related("applicant").get(pk=pk)
    started = time.monotonic()
    dossier = services.dossier_submit(dossier=dossier, actor=dossier.applicant)
    submitted = time.monotonic()
    services.dossier_receive(dossier=dossier, actor=officer)
    timings.append([submitted - started, time.monotonic() - submitted])
client = Client()
health = client.get("/healthz")
started = time.monotonic()
register = client.post("/tai-khoan/dang-ky/", {
    "full_name": "Phan Thị Mai", "phone": "0912888777", "email": "", "id_number": "", "address": "Hà Tĩnh",
    "password1": "Ha-Tinh-2026-an-toan", "password2": "Ha-Tinh-2026-an-toan"})
register_seconds = time.monotonic() - started
print(json.dumps({
    "timings": timings, "health_status": health.status_code, "health": health.json(),
    "rate_limit_allows": [ratelimit.hit("outage", limit=1, window_seconds=60) for _ in range(3)],
    "register_status": register.status_code, "register_seconds": register_seconds,
}))
"""



def _run_outage(redis_url, dossiers, officer):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "REDIS_URL": redis_url,
           "DATABASE_URL": database_url(connection.settings_dict)}
    result = subprocess.run([sys.executable, "-c", OUTAGE, json.dumps([[d.pk for d in dossiers], officer.pk])],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_hanging_redis_holds_up_one_request_not_every_one(transactional_db):
    """A paused Redis accepts connections and never answers: the first publish waits out the broker's
    socket timeout, then the process leaves the broker alone (BROKER_RETRY_SECONDS) and later requests
    only write the outbox; the cache skips it the same way (CACHE_RETRY_SECONDS)."""
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    officer = factories.officer(agency, "desk_officer")
    drafts = [factories.DossierFactory(procedure=procedure, receiving_agency=agency) for _ in range(3)]
    outbox_before = OutboxMessage.objects.count()
    with hanging_redis() as url:
        outage = _run_outage(url, drafts, officer)
    waits = sorted(seconds for pair in outage["timings"] for seconds in pair)
    assert len(waits) == 6
    assert waits[-2] < 2.0, outage["timings"]  # at most one of the six waited on the broker
    assert waits[-1] < 8.0, outage["timings"]  # and that one for about the 5 s socket timeout, not 15
    # Under the 5 s broker socket timeout: it did not wait on Redis (the password hash alone takes ~1 s).
    assert outage["register_status"] == 302 and outage["register_seconds"] < 4.0
    assert outage["health"]["checks"]["redis"]["ok"] is False
    pending = OutboxMessage.objects.filter(sent_at__isnull=True, dispatched_at__isnull=True)
    assert OutboxMessage.objects.count() - outbox_before == pending.count() == 12


def test_redis_outage_loses_no_notification_and_blocks_no_one(transactional_db, request, tmp_path):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    officer = factories.officer(agency, "desk_officer")
    drafts = [factories.DossierFactory(procedure=procedure, receiving_agency=agency) for _ in range(3)]
    outbox_before = OutboxMessage.objects.count()
    # Notifications only: the registration code goes straight to the gateway, not through the outbox.
    notices = SmsMessage.objects.exclude(message_id__startswith="registration:")
    sms_before = notices.count()

    outage = _run_outage(REDIS_DOWN, drafts, officer)

    # Every submission and receipt went through, none waited on the dead broker.
    assert len(outage["timings"]) == 3
    assert max(max(pair) for pair in outage["timings"]) < 2.0, outage["timings"]
    # /healthz tells the operator; the rate limit fails open; a page using it still works.
    assert outage["health_status"] == 503
    assert outage["health"]["checks"]["redis"]["ok"] is False
    assert outage["health"]["checks"]["database"]["ok"] is True
    assert outage["rate_limit_allows"] == [True, True, True]
    # Under the 5 s broker socket timeout: it did not wait on Redis (the password hash alone takes ~1 s).
    assert outage["register_status"] == 302 and outage["register_seconds"] < 4.0

    # The side effects wait in the outbox: submit + receive, e-mail + SMS, for each dossier.
    pending = OutboxMessage.objects.filter(sent_at__isnull=True, dispatched_at__isnull=True)
    assert OutboxMessage.objects.count() - outbox_before == 12
    assert pending.count() == 12
    assert notices.count() == sms_before

    # Redis is back (this process uses the real one): a worker starts, the relay runs on schedule.
    request.getfixturevalue("celery_worker_process")
    with time_machine.travel(timezone.now() + timedelta(seconds=30), tick=True):
        assert notifications.outbox_relay() == 12
        assert notifications.outbox_relay() == 0  # claimed rows are not handed over twice
    assert wait_for(lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(), timeout=90), (
        list(OutboxMessage.objects.filter(sent_at__isnull=True).values("key", "attempts", "last_error")),
        (tmp_path / "worker.log").read_text()[-5000:])
    sms = list(notices.values_list("phone", "text"))
    assert len(sms) - sms_before == 6
    assert len(set(sms)) == len(sms)  # no duplicates
    assert {d.applicant_phone for d in drafts} == {phone for phone, _ in sms}
