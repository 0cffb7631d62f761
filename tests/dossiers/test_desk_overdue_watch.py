"""The overdue watch: each working morning, one digest per agency leader; running twice adds nothing."""

import datetime as dt

import pytest
import time_machine

from dossiers import tasks
from dossiers.models import DossierEvent, OutboxMessage
from dossiers.notifications import render_message
from tests import factories
from tests.dossiers.desk_helpers import (
    MONDAY,
    _fast_passwords,  # noqa: F401 (autouse fixture)
    received,
)

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
