"""National portal sync (issue 18 item 3) in one process: the outbox rows the lifecycle writes, the
sandbox receiver's checks, in-order sending through real HTTP to the sandbox (pytest-django's live
server), dead letters, reconciliation and the sync rate. The real-worker faults are in
test_national_sync_worker.py."""

import json
import time

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dossiers import lifecycle, national_sync, services
from dossiers.models import (
    NationalSyncEvent,
    NationalSyncReconciliation,
    SandboxPortalFault,
    SandboxPortalReceipt,
)
from tests import factories
from tests.dossiers.desk_helpers import awaiting_approval, received, submitted

SECRET = "test-national-portal-secret-5Xq8Lm2Rt7Vw"


@pytest.fixture
def portal(settings, live_server):
    """The site's sandbox receiver served by the live server, and the settings that point at it."""
    settings.NATIONAL_PORTAL_URL = live_server.url + national_sync.SANDBOX_PATH
    settings.NATIONAL_PORTAL_SECRET = SECRET
    settings.NATIONAL_PORTAL_TIMEOUT_SECONDS = 1.0
    settings.NATIONAL_PORTAL_RETRY_BASE_SECONDS = 0
    settings.NATIONAL_PORTAL_MAX_ATTEMPTS = 10
    return settings


def _sync_all(dossier):
    """Run the sender in this process until it has nothing left or must wait."""
    while True:
        outcome = national_sync.sync_dossier(dossier_id=dossier.pk)
        if outcome.state != "waiting" or outcome.retry_in:
            return outcome


def test_every_status_change_writes_one_event_in_sequence_and_a_reassignment_none(db, procedure, desk_officer,
                                                                               specialist):
    dossier = received(procedure, desk_officer)
    dossier = services.dossier_assign(dossier=dossier, actor=desk_officer, assignee=specialist)
    dossier = services.dossier_assign(dossier=dossier, actor=desk_officer, assignee=specialist)  # no status change
    events = list(NationalSyncEvent.objects.filter(dossier=dossier))
    assert [(e.sequence, e.national_status) for e in events] == [(1, 1), (2, 2), (3, 4)]
    # Submitted under its submission number, received under its code proper: one key throughout.
    assert events[0].payload["dossier_code"] == dossier.submission_code and events[1].payload["dossier_code"] == dossier.code
    assert {e.payload["dossier_key"] for e in events} == {dossier.submission_code}
    assert events[0].payload["agency_code"] == procedure.agencies.get().code
    assert "applicant_name" not in events[0].payload and dossier.applicant_name not in json.dumps(events[0].payload)
    assert all(e.acked_at is None for e in events)  # no endpoint configured: they wait


def test_a_rolled_back_transition_leaves_no_event(db, procedure, desk_officer):
    dossier = submitted(procedure)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.dossier_receive(dossier=dossier, actor=desk_officer)
        raise RuntimeError
    assert NationalSyncEvent.objects.filter(dossier=dossier).count() == 1


def test_events_arrive_in_order_once_through_failures_and_timeouts(transactional_db, portal, procedure, desk_officer,
                                                                   specialist, leader):
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    SandboxPortalFault.objects.create(kind="fail", remaining=2)
    SandboxPortalFault.objects.create(kind="timeout", remaining=1, seconds=1.5)
    SandboxPortalFault.objects.create(kind="duplicate", remaining=1)
    for _ in range(10):
        if _sync_all(dossier).state == "done":
            break
    sent = list(NationalSyncEvent.objects.filter(dossier=dossier))
    assert sent and all(e.acked_at for e in sent)
    assert sent[0].attempts == 4  # two 503s and one timeout, then "duplicate" (the timed-out one was kept)
    time.sleep(0.6)  # the timed-out request finishes in the server
    receipts = list(SandboxPortalReceipt.objects.filter(dossier_code=dossier.submission_code))  # its key
    assert [r.sequence for r in receipts] == [e.sequence for e in sent]
    assert [str(r.event_id) for r in receipts] == [str(e.event_id) for e in sent]
    assert receipts[0].deliveries == 2
    cloud = receipts[0].event
    assert cloud["specversion"] == "1.0" and cloud["type"] == national_sync.EVENT_TYPE
    assert cloud["id"] == str(sent[0].event_id) and cloud["sequence"] == "1" and cloud["subject"] == dossier.submission_code


def test_a_dead_letter_blocks_later_events_until_replayed(transactional_db, portal, procedure, desk_officer, monitor,
                                                          client):
    portal.NATIONAL_PORTAL_MAX_ATTEMPTS = 3
    dossier = submitted(procedure)
    SandboxPortalFault.objects.create(kind="fail", remaining=3)
    assert _sync_all(dossier).state == "dead"  # three 503s, no wait between (base 0 s)
    assert NationalSyncEvent.objects.get(dossier=dossier).attempts == 3
    dossier = services.dossier_receive(dossier=dossier, actor=desk_officer)
    assert _sync_all(dossier).state == "dead"  # the receipt waits behind the dead submission
    assert SandboxPortalReceipt.objects.count() == 0
    dead = list(national_sync.dead_letters())
    assert [(e.sequence, e.waiting_behind) for e in dead] == [(1, 1)]

    client.force_login(monitor)
    page = client.get(reverse("national_sync_monitor"))
    assert page.status_code == 200 and dossier.code in page.content.decode()
    assert client.post(reverse("national_sync_monitor"), {"event": [dead[0].pk]}).status_code == 302
    assert dossier.events.filter(action=lifecycle.Recorded.SYNC_REPLAY, actor=monitor).count() == 1
    assert _sync_all(dossier).state == "done"
    assert list(SandboxPortalReceipt.objects.values_list("sequence", flat=True)) == [1, 2]
    assert not national_sync.dead_letters().exists()


def test_reconciliation_compares_counts_per_agency_and_status(transactional_db, portal, procedure, desk_officer):
    first, second = received(procedure, desk_officer), submitted(procedure)
    _sync_all(first)
    row = national_sync.reconcile()
    code = procedure.agencies.get().code
    assert not row.equal and row.pending == 1
    assert row.differences == [{"agency": code, "status": 1, "local": 1, "remote": 0}]
    _sync_all(second)
    row = national_sync.reconcile()
    assert row.equal and row.local_total == row.remote_total == 2
    assert NationalSyncReconciliation.objects.count() == 2


def test_sync_rate_per_agency_and_month_and_indicator_1_3(transactional_db, portal, procedure, desk_officer):
    from reports import metrics

    synced, unsynced = received(procedure, desk_officer), received(procedure, desk_officer)
    _sync_all(synced)
    rates = national_sync.sync_rate(month=timezone.localdate())
    assert [(r["received"], r["synced"], r["rate"]) for r in rates] == [(2, 1, 50.0)]
    lines = {line["indicator"].code: line for line in metrics.indicator_values(month=timezone.localdate())["lines"]}
    assert (lines["1.3"]["numerator"], lines["1.3"]["denominator"], lines["1.3"]["rate"]) == (1, 2, 50.0)
    assert unsynced.national_events.filter(acked_at__isnull=False).count() == 0


def test_the_receiver_refuses_unsigned_stale_malformed_and_out_of_order_events(transactional_db, portal, client,
                                                                               procedure):
    dossier = submitted(procedure)
    event = NationalSyncEvent.objects.get(dossier=dossier)
    headers, body = national_sync.structured(event)
    url = reverse("sandbox_portal_events")

    def post(body, signed=True, at=None):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v
                 for k, v in national_sync.signed_headers(body, now=at).items()} if signed else {}
        return client.post(url, body, content_type=headers["content-type"], **extra)

    assert post(body, signed=False).status_code == 401
    assert post(body, at=time.time() - 3600).status_code == 401
    assert post(b'{"not": "an event"}').status_code == 400
    event.sequence = 2
    _h, gap = national_sync.structured(event)
    assert post(gap).status_code == 422
    assert post(body).json()["status"] == "accepted"
    assert post(body).json()["status"] == "duplicate"
    assert SandboxPortalReceipt.objects.get().deliveries == 2


def test_the_sandbox_receiver_is_refused_in_production_unless_allowed(settings):
    from dossiers.checks import national_portal_check

    settings.NATIONAL_PORTAL_URL = "https://motcua.example.vn/sandbox/cong-dvcqg/"
    settings.NATIONAL_PORTAL_SECRET = SECRET
    settings.ALLOW_SANDBOX = False
    assert [p.id for p in national_portal_check()] == ["dossiers.E005"]
    settings.ALLOW_SANDBOX = True
    assert national_portal_check() == []
    settings.NATIONAL_PORTAL_URL, settings.NATIONAL_PORTAL_SECRET = "https://dichvucong.gov.vn/sync/", "short"
    assert [p.id for p in national_portal_check()] == ["dossiers.E006"]
    settings.NATIONAL_PORTAL_URL = ""
    assert [p.id for p in national_portal_check()] == ["dossiers.W004"]


def test_the_sandbox_receiver_answers_404_in_production_without_the_opt_in(db, settings, client):
    settings.DEBUG, settings.ALLOW_SANDBOX = False, False
    assert client.post(reverse("sandbox_portal_events"), b"{}", content_type="application/json").status_code == 404
    assert client.get(reverse("sandbox_portal_counts")).status_code == 404


def test_backoff_doubles_up_to_the_cap(settings):
    settings.NATIONAL_PORTAL_RETRY_BASE_SECONDS, settings.NATIONAL_PORTAL_RETRY_MAX_SECONDS = 30, 3600
    assert [national_sync.backoff(n) for n in (1, 2, 3, 4, 8, 20)] == [30, 60, 120, 240, 3600, 3600]



def test_a_hand_over_to_a_successor_agency_is_an_event_too(db, procedure, desk_officer):
    """dossiers.services.reorganize moves open dossiers outside a transition: the portal learns the agency."""
    from dossiers.services.reorganize import _hand_over

    dossier = received(procedure, desk_officer)
    former, successor = dossier.handling_agency, factories.AgencyFactory()
    assert _hand_over(dossier, former, successor, timezone.localdate())
    last = NationalSyncEvent.objects.filter(dossier=dossier).last()
    assert (last.sequence, last.national_status, last.payload["agency_code"]) == (3, 2, successor.code)
