"""National portal sync with real Celery workers, real PostgreSQL and the sandbox receiver over HTTP
(pytest-django's live server in this process), issue 18 item 3:

- a dossier's whole walk is delivered exactly once and in order while the receiver fails, times out
  and answers duplicates, two worker processes competing for the dossier; the reconciliation is equal;
- a worker killed after the receiver took an event but before the acknowledgment was committed loses
  nothing: the task comes back (acks_late, visibility timeout 5 s here) and the resend is a duplicate;
- a dead-lettered event holds back the dossier's later events until it is replayed.
"""

import signal

import pytest
from django.core.management import call_command
from django.db import connection

from dossiers import national_sync, services
from dossiers.models import NationalSyncEvent, SandboxPortalFault, SandboxPortalReceipt
from tests import factories
from tests.dossiers.desk_helpers import awaiting_approval, submitted
from tests.processes import (
    clear_dead_workers_restore_mutex,
    database_url,
    purge_broker,
    start_celery_worker,
    stop_process,
    tail_log,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery")]

SECRET = "worker-test-national-portal-secret-9Kd3Wq"


@pytest.fixture
def portal_env(settings, live_server, transactional_db):
    """Settings of this process (the receiver, and the publisher on commit) and of the workers."""
    values = {
        "NATIONAL_PORTAL_URL": live_server.url + national_sync.SANDBOX_PATH,
        "NATIONAL_PORTAL_SECRET": SECRET,
        "NATIONAL_PORTAL_TIMEOUT_SECONDS": "1",
        "NATIONAL_PORTAL_RETRY_BASE_SECONDS": "0.2",
        "NATIONAL_PORTAL_RETRY_MAX_SECONDS": "1",
        "NATIONAL_PORTAL_MAX_ATTEMPTS": "20",
    }
    settings.NATIONAL_PORTAL_URL, settings.NATIONAL_PORTAL_SECRET = values["NATIONAL_PORTAL_URL"], SECRET
    settings.NATIONAL_PORTAL_TIMEOUT_SECONDS = 1.0
    purge_broker()
    return {**values, "DATABASE_URL": database_url(connection.settings_dict), "REDIS_URL": settings.REDIS_URL,
            "CELERY_VISIBILITY_TIMEOUT": "5", "CELERY_UNACKED_RESTORE_INTERVAL": "0.5",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1"}


def _all_acknowledged(dossier):
    events = NationalSyncEvent.objects.filter(dossier=dossier)
    return events.exists() and not events.filter(acked_at__isnull=True).exists()


def _assert_delivered_once_in_order(dossier):
    events = list(NationalSyncEvent.objects.filter(dossier=dossier).order_by("sequence"))
    receipts = list(SandboxPortalReceipt.objects.filter(dossier_code=dossier.submission_code or dossier.code).order_by("pk"))  # arrival order
    assert [r.sequence for r in receipts] == list(range(1, len(events) + 1))
    assert [str(r.event_id) for r in receipts] == [str(e.event_id) for e in events]
    return events, receipts


def test_a_whole_walk_is_delivered_once_and_in_order_through_failures_timeouts_and_duplicates(portal_env, tmp_path):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    desk, specialist, leader = (factories.officer(agency, role) for role in ("desk_officer", "specialist", "leader"))
    for kind, times, seconds in [("fail", 2, 0), ("timeout", 1, 2), ("duplicate", 1, 0), ("fail", 1, 0),
                                 ("timeout", 1, 2), ("fail", 2, 0)]:
        SandboxPortalFault.objects.create(kind=kind, remaining=times, seconds=seconds)

    with open(tmp_path / "worker.log", "w+") as log:
        worker, _node = start_celery_worker(log, pool="prefork", concurrency=2, **portal_env)
        try:
            dossier = awaiting_approval(procedure, desk, specialist)
            dossier = services.dossier_approve(dossier=dossier, actor=leader)
            dossier = services.dossier_return_result(dossier=dossier, actor=desk)
            assert dossier.status == "returned"
            assert wait_for(lambda: _all_acknowledged(dossier), timeout=120), tail_log(log)
        finally:
            stop_process(worker)

    events, receipts = _assert_delivered_once_in_order(dossier)
    assert [e.national_status for e in events] == [1, 2, 4, 4, 9, 10]
    assert not SandboxPortalFault.objects.filter(remaining__gt=0).exists()  # every fault was played
    # 5 refusals and 2 timeouts cost an attempt each; on a loaded machine a slow answer (> 1 s) may cost
    # one more, delivered again and answered as a duplicate: never a second receipt.
    assert sum(e.attempts for e in events) >= len(events) + 7
    assert sum(r.deliveries for r in receipts) >= len(events) + 2  # the two timed-out events came twice
    row = national_sync.reconcile()
    assert row.equal and row.local_total == row.remote_total == 1 and row.pending == 0


def test_a_worker_killed_after_sending_before_marking_loses_nothing_and_sends_once(portal_env, tmp_path):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    # The receiver keeps the event, then holds the connection: the worker has sent and not yet marked.
    SandboxPortalFault.objects.create(kind="hold", remaining=1, seconds=12)
    with open(tmp_path / "first.log", "w+") as first_log, open(tmp_path / "second.log", "w+") as second_log:
        first, _ = start_celery_worker(first_log, **portal_env)
        try:
            dossier = submitted(procedure)
            assert wait_for(lambda: SandboxPortalReceipt.objects.filter(dossier_code=dossier.submission_code or dossier.code).exists(),
                            timeout=30), tail_log(first_log)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            stop_process(first)
        clear_dead_workers_restore_mutex()
        event = NationalSyncEvent.objects.get(dossier=dossier)
        assert event.acked_at is None and event.attempts == 0  # the killed transaction was rolled back

        second, _ = start_celery_worker(second_log, **portal_env)
        try:
            assert wait_for(lambda: _all_acknowledged(dossier), timeout=90), tail_log(second_log)
        finally:
            stop_process(second)

    event.refresh_from_db()
    receipt = SandboxPortalReceipt.objects.get(dossier_code=dossier.submission_code or dossier.code)
    assert receipt.deliveries == 2 and str(receipt.event_id) == str(event.event_id)  # kept once, sent twice
    assert event.ack_duplicate and event.attempts == 1


def test_a_dead_letter_holds_back_later_events_until_replayed(portal_env, tmp_path):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    desk = factories.officer(agency, "desk_officer")
    SandboxPortalFault.objects.create(kind="fail", remaining=3)
    with open(tmp_path / "worker.log", "w+") as log:
        worker, _ = start_celery_worker(log, **{**portal_env, "NATIONAL_PORTAL_MAX_ATTEMPTS": "3"})
        try:
            dossier = submitted(procedure)
            assert wait_for(lambda: national_sync.dead_letters().filter(dossier=dossier).exists(), timeout=60), \
                tail_log(log)
            dossier = services.dossier_receive(dossier=dossier, actor=desk)
            # The receipt's event is published and must wait: give the worker time to (wrongly) send it.
            assert not wait_for(lambda: SandboxPortalReceipt.objects.exists(), timeout=5)
            assert [e.waiting_behind for e in national_sync.dead_letters()] == [1]

            call_command("national_sync", "replay", "--all")
            assert wait_for(lambda: _all_acknowledged(dossier), timeout=60), tail_log(log)
        finally:
            stop_process(worker)
    _assert_delivered_once_in_order(dossier)
    assert national_sync.reconcile().equal
