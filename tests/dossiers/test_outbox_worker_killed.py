"""A worker killed with SIGKILL in the middle of sending: the task comes back and the SMS leaves once.

Tasks are acknowledged late (after they finish), so the message of a task whose worker died stays
unacknowledged in Redis; another worker puts it back on the queue once the visibility timeout has
passed (5 s here through CELERY_VISIBILITY_TIMEOUT, one hour in production). The send itself is
idempotent per outbox key, and the dead worker's transaction was rolled back by PostgreSQL.
(tests/reports/test_worker_killed.py covers `compute_month` under the same kill.)
"""

import signal

import pytest
from django.conf import settings
from django.db import connection

from dossiers import services
from dossiers.models import OutboxMessage, SmsMessage
from tests import factories
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

SLOW_SMS_SECONDS = 3



def _another_session_holds_a_transaction():
    """A worker is inside outbox_send: its transaction holds the row lock (an xid) while the slow SMS
    gateway sleeps. Read from pg_stat_activity, so the probe itself takes no lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND state = 'idle in transaction' AND backend_xid IS NOT NULL"
        )
        return cursor.fetchone()[0] > 0


def test_sms_is_sent_exactly_once_when_the_worker_is_killed_mid_send(transactional_db, tmp_path):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    citizen = factories.UserFactory(email=None)  # phone only: one SMS, no e-mail
    purge_broker()
    env = {"DATABASE_URL": database_url(connection.settings_dict), "REDIS_URL": settings.REDIS_URL,
           "SMS_SANDBOX_DELAY_SECONDS": str(SLOW_SMS_SECONDS), "CELERY_VISIBILITY_TIMEOUT": "5",
           "CELERY_UNACKED_RESTORE_INTERVAL": "0.5", "CELERY_UNACKED_RESTORE_THROTTLE": "1"}

    with open(tmp_path / "first.log", "w+") as first_log, open(tmp_path / "second.log", "w+") as second_log:
        first, _ = start_celery_worker(first_log, **env)
        try:
            dossier = services.dossier_create_draft(procedure=procedure, agency=agency, applicant=citizen)
            dossier = services.dossier_submit(dossier=dossier, actor=citizen)  # on commit: task to the broker
            message = OutboxMessage.objects.get(key__startswith=f"event:{dossier.events.get().pk}:")
            assert message.kind == "sms"
            assert wait_for(_another_session_holds_a_transaction, timeout=15), tail_log(first_log)
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            stop_process(first)
        clear_dead_workers_restore_mutex()
        assert SmsMessage.objects.filter(phone=citizen.phone).count() == 0
        message.refresh_from_db()
        assert message.sent_at is None

        second, _ = start_celery_worker(second_log, **env)
        try:
            assert wait_for(lambda: OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=False).exists(),
                             timeout=90), tail_log(second_log)
        finally:
            stop_process(second)

    sms = SmsMessage.objects.filter(phone=citizen.phone)
    assert sms.count() == 1
    assert dossier.code in sms.get().text
    message.refresh_from_db()
    # Rolled back with the killed worker's transaction, then counted once by the worker that sent it.
    assert message.attempts == 1

