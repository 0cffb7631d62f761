"""A worker killed with SIGKILL in the middle of `compute_month` (and of a notification): both tasks are
redelivered to a new worker and complete; the month ends up exactly as a direct compute makes it; the
old rows stay whole meanwhile; the SMS leaves once.

How the compute is caught mid-flight: another PostgreSQL session (LockHolder) holds a lock the
compute needs at a chosen point, so the worker is provably inside `month_compute` (it holds the
month's advisory lock, pg_locks says so) and waits there until it is killed. This pins the worker
deterministically without any test-only code in the service: a month big enough to take seconds
would make the test slow and still racy on a loaded 2-core machine (the compute may commit between
"seen running" and SIGKILL), and a sleep knob would be a hook that production code carries for tests.
Two points are pinned: inside the statistics statement, and after the DELETE of the old rows while
the new ones are being inserted (the dangerous moment: the old rows are gone in that transaction).

Redelivery: tasks are acknowledged late, so the killed worker's messages stay unacknowledged in Redis
and the next worker restores them after the visibility timeout (5 s here, one hour in production).
The killed worker's PostgreSQL backend may outlive it while it waits on the lock; it can never commit
(its client is gone) and rolls back once it notices: the test waits for that before the new worker.
"""

import signal

import pytest
from celery.result import AsyncResult
from django.conf import settings
from django.db import connection

from dossiers import services as dossier_services
from dossiers.models import OutboxMessage, SmsMessage
from dossiers.tasks import send_outbox_message
from portal.celery import app
from reports import tasks
from reports.models import MonthlyAgencyStat
from tests import factories
from tests.processes import (
    LockHolder,
    clear_dead_workers_restore_mutex,
    database_url,
    purge_broker,
    start_celery_worker,
    stop_process,
    tail_log,
    wait_for,
)
from tests.reports.compute_faults import (
    MARCH,
    PIN_IN_STATISTICS,
    compute_sessions,
    month_rows,
    pin_while_writing,
    rows_of_a_direct_compute,
    sessions_alive,
    stale_month,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery")]

GATEWAY_STUCK_SECONDS = 120  # the first worker's SMS gateway hangs: the send is in flight when killed


def _sms_in_flight(exclude):
    """A worker is inside outbox_send: its transaction holds the message's row lock (an xid) while the
    slow gateway sleeps."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND state = 'idle in transaction' AND backend_xid IS NOT NULL"
        )
        return [pid for (pid,) in cursor.fetchall() if pid not in exclude]


def _broker_idle():
    with app.connection_for_write() as broker:
        client = broker.default_channel.client
        return client.llen(app.conf.task_default_queue) == 0 and client.hlen("unacked") == 0


@pytest.mark.parametrize("pinned_at", ["statistics statement", "writing the rows"])
def test_compute_and_sms_complete_once_when_the_worker_is_killed_mid_task(
        pinned_at, transactional_db, structure, march, tmp_path):
    month = stale_month(structure)
    agency = structure["a"]
    citizen = factories.UserFactory(email=None)  # phone only: one SMS, no e-mail
    dossier = dossier_services.dossier_create_draft(procedure=structure["plain"], agency=agency, applicant=citizen)
    if pinned_at == "statistics statement":
        pin, marker = (PIN_IN_STATISTICS, None), "in_force AS"
    else:
        pin, marker = pin_while_writing(MARCH, month.newcomer), 'INSERT INTO "reports_monthlyagencystat"'
    purge_broker()
    env = {"DATABASE_URL": database_url(connection.settings_dict), "REDIS_URL": settings.REDIS_URL,
           "CELERY_VISIBILITY_TIMEOUT": "5", "CELERY_UNACKED_RESTORE_INTERVAL": "0.5",
           "CELERY_UNACKED_RESTORE_THROTTLE": "1"}

    with open(tmp_path / "first.log", "w+") as first_log, open(tmp_path / "second.log", "w+") as second_log:
        holder = LockHolder(connection.settings_dict).execute(*pin)
        try:
            # Two threads: the compute and the SMS are both running when the worker dies.
            first, _ = start_celery_worker(first_log, pool="threads", concurrency=2,
                                           SMS_SANDBOX_DELAY_SECONDS=str(GATEWAY_STUCK_SECONDS), **env)
            try:
                compute = tasks.compute_month.delay("2025-03")
                dossier = dossier_services.dossier_submit(dossier=dossier, actor=citizen)  # on commit: the SMS task
                message = OutboxMessage.objects.get(key__startswith=f"event:{dossier.events.get().pk}:")

                def compute_pinned():
                    with connection.cursor() as cursor:
                        sessions = compute_sessions(cursor)
                    return sessions and marker in sessions[0][2] and sessions[0][1] is not None

                assert wait_for(compute_pinned, timeout=30), tail_log(first_log)
                assert wait_for(lambda: _sms_in_flight(exclude={holder.pid}), timeout=30), tail_log(first_log)
                with connection.cursor() as cursor:
                    worker_sessions = {compute_sessions(cursor)[0][0], *_sms_in_flight(exclude={holder.pid})}
                assert month_rows() == month.old  # readers see the old rows while the compute runs
                first.send_signal(signal.SIGKILL)
                first.wait(timeout=10)
            finally:
                stop_process(first)
            assert month_rows() == month.old
        finally:
            holder.release()
        print("restore mutex left by the killed worker:", clear_dead_workers_restore_mutex())

        # The killed worker's sessions end without committing anything.
        def gone():
            with connection.cursor() as cursor:
                return not sessions_alive(cursor, worker_sessions)

        assert wait_for(gone, timeout=30)
        assert month_rows() == month.old
        assert not SmsMessage.objects.filter(phone=citizen.phone).exists()
        message.refresh_from_db()
        assert message.sent_at is None
        send_outbox_message.delay(message.key)  # and the relay hands the SMS over once more

        second, _ = start_celery_worker(second_log, **env)
        try:
            assert wait_for(AsyncResult(compute.id).ready, timeout=120), tail_log(second_log)
            assert AsyncResult(compute.id).get(timeout=5) == {"month": "2025-03-01", "rows": len(month.expected)}
            # Both deliveries of the SMS (the restored one and the relay's) have run once the broker
            # holds no message, queued or unacknowledged.
            assert wait_for(_broker_idle, timeout=60), tail_log(second_log)
        finally:
            stop_process(second)

    rows = month_rows()
    assert rows == month.expected
    assert rows == rows_of_a_direct_compute()  # row by row, as a fresh compute makes them now
    assert MonthlyAgencyStat.objects.filter(month=MARCH).count() == len({row["agency_id"] for row in rows})
    sms = SmsMessage.objects.filter(phone=citizen.phone)
    assert sms.count() == 1 and dossier.code in sms.get().text
    message.refresh_from_db()
    assert message.attempts == 1  # the killed attempt was rolled back with its transaction
