"""The overdue watch: each working morning, one digest per agency leader; running twice adds nothing."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from dossiers import tasks
from dossiers.models import DossierEvent, OutboxMessage
from dossiers.notifications import render_message
from tests import factories
from tests.dossiers.desk_helpers import (
    MONDAY,
    _fast_passwords,  # noqa: F401 (autouse fixture)
    received,
)
from tests.processes import LockHolder, backends_waiting_on_locks, wait_for

pytestmark = [pytest.mark.django_db]


def test_watch_marks_overdue_and_queues_one_digest_per_leader_and_day(procedure, desk_officer, leader, other_agency,
                                                                      django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY, tick=False):
        late = received(procedure, desk_officer)  # due 16/12
    factories.officer(other_agency, "leader")  # an agency with nothing due gets no digest
    with time_machine.travel(dt.datetime(2026, 12, 11, 7, 0), tick=False):
        soon = received(procedure, desk_officer)  # received Fri 11/12 → due later
    assert tasks.watch_overdue.run(day="2026-12-17") == 1
    assert tasks.watch_overdue.run(day="2026-12-17") == 0  # idempotent
    message = OutboxMessage.objects.get(kind="digest")
    assert message.key == f"overdue-digest:{procedure.agencies.get().pk}:{leader.pk}:2026-12-17"
    assert [row[0] for row in message.payload["overdue"]] == [late.code]
    assert soon.code not in str(message.payload)
    subject, body = render_message(message)
    assert "quá hạn" in body and late.code in body
    assert DossierEvent.objects.filter(dossier=late, action="overdue").count() == 1
    assert tasks.watch_overdue.run(day="2026-12-18") == 1  # a new day, a new digest; no second mark
    assert DossierEvent.objects.filter(dossier=late, action="overdue").count() == 1


def test_watch_does_nothing_on_a_rest_day(procedure, desk_officer, leader):
    with time_machine.travel(MONDAY, tick=False):
        received(procedure, desk_officer)
    assert tasks.watch_overdue.run(day="2026-12-19") == 0  # Saturday
    assert not OutboxMessage.objects.filter(kind="digest").exists()


def test_watch_is_scheduled_by_beat(settings):
    assert settings.CELERY_BEAT_SCHEDULE["desk-overdue-watch"]["task"] == "dossiers.tasks.watch_overdue"


@pytest.mark.django_db(transaction=True)
def test_two_watches_at_once_mark_each_dossier_once_and_queue_one_digest_per_leader(
        agency, procedure, desk_officer, leader):
    """Two beats (or one run delivered twice) start the watch at the same moment, in real threads.

    A third session holds the outbox table, so the first run stops just before queueing the digests,
    after it has written its `overdue` events but before it commits: the second run is then surely
    inside the watch at the same time as the first, not after it.
    """
    second_leader = factories.officer(agency, "leader")
    other_agency = factories.AgencyFactory()
    other_procedure = factories.ProcedureFactory(agencies=[other_agency])
    other_leader = factories.officer(other_agency, "leader")
    with time_machine.travel(MONDAY, tick=False):
        late = [received(procedure, desk_officer) for _ in range(3)]
        late.append(received(other_procedure, factories.officer(other_agency, "desk_officer")))
    results, errors = [], []
    barrier = threading.Barrier(2)

    def watch():
        try:
            barrier.wait(timeout=10)
            results.append(tasks.watch_overdue.run(day="2026-12-17"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=watch) for _ in range(2)]
    with LockHolder(connection.settings_dict) as holder:
        holder.execute("LOCK TABLE dossiers_outboxmessage IN ACCESS EXCLUSIVE MODE")
        for thread in threads:
            thread.start()

        def both_runs_are_inside_the_watch():
            with connection.cursor() as cursor:
                return len(backends_waiting_on_locks(cursor, exclude={holder.pid})) == 2

        assert wait_for(both_runs_are_inside_the_watch, timeout=30)
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    for dossier in late:
        assert DossierEvent.objects.filter(dossier=dossier, action="overdue").count() == 1
    digests = OutboxMessage.objects.filter(kind="digest")
    assert sorted(digests.values_list("payload__to", flat=True)) == sorted(
        user.email for user in (leader, second_leader, other_leader))
    assert sorted(results) == [0, 3]  # the second run found the first one's work done
    assert tasks.watch_overdue.run(day="2026-12-17") == 0
