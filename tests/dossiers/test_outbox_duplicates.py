"""Duplicate scheduling: two relays at once, or one send task delivered twice, never send twice.

Real threads on real PostgreSQL (transaction=True): the claim uses SELECT … FOR UPDATE SKIP LOCKED
and the send locks its row and checks `sent_at`.
"""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from dossiers import notifications
from dossiers.models import OutboxMessage, SmsMessage
from portal.celery import app


def _in_threads(count, target):
    """Run `target()` in `count` threads released together; return their results (re-raising errors)."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = target()
        except Exception as exc:  # noqa: BLE001 - re-raised in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def _old_messages(count, kind="sms"):
    """Pending messages old enough for the relay (it leaves messages younger than 5 s to on-commit)."""
    with time_machine.travel(timezone.now() - timedelta(minutes=5)):
        return OutboxMessage.objects.bulk_create(
            OutboxMessage(key=f"test:{i}:{kind}", kind=kind,
                          payload={"to": f"09{i:08d}", "dossier_code": f"T-{i}", "status": "received"})
            for i in range(count)
        )


@pytest.mark.django_db(transaction=True)
def test_two_relays_running_at_once_never_claim_the_same_message():
    _old_messages(600)

    def drain():
        claimed = []
        while batch := notifications.outbox_take_pending(limit=25):
            claimed += batch
        return claimed

    first, second = _in_threads(2, drain)
    assert first and second, "both relays should have taken part"
    assert not set(first) & set(second)
    assert len(first) + len(second) == 600 == len(set(first) | set(second))


@pytest.mark.django_db(transaction=True)
def test_a_relay_skips_messages_another_relay_holds():
    _old_messages(10)
    held = threading.Event()
    release = threading.Event()

    def hold_three():
        with transaction.atomic():
            list(OutboxMessage.objects.select_for_update().order_by("key")[:3])
            held.set()
            release.wait(timeout=20)
        connection.close()

    holder = threading.Thread(target=hold_three)
    holder.start()
    try:
        assert held.wait(timeout=10)
        claimed = notifications.outbox_take_pending()
    finally:
        release.set()
        holder.join()
    assert len(claimed) == 7
    assert not set(claimed) & {"test:0:sms", "test:1:sms", "test:2:sms"}


@pytest.mark.django_db(transaction=True)
def test_a_send_task_delivered_twice_at_once_sends_once(settings):
    settings.SMS_SANDBOX_DELAY_SECONDS = 0.5  # both deliveries are inside the send at the same time
    [message] = _old_messages(1)

    results = _in_threads(2, lambda: notifications.outbox_send(key=message.key))

    assert sorted(results) == [False, True]
    assert notifications.outbox_send(key=message.key) is False  # and a late third delivery too
    assert SmsMessage.objects.filter(phone=message.payload["to"]).count() == 1
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 1


def test_the_relay_is_on_the_beat_schedule_every_minute():
    from dossiers.tasks import relay_outbox

    entries = [e for e in app.conf.beat_schedule.values() if e["task"] == relay_outbox.name]
    assert len(entries) == 1
    assert entries[0]["schedule"] == 60.0


@pytest.mark.django_db
def test_the_gateway_gets_the_outbox_key_and_a_repeat_of_it_sends_nothing(citizen):
    """The case the outbox lock cannot cover: the gateway accepted the SMS, then the worker died before
    `outbox_send` committed. The redelivered send repeats the same message id, which the gateway drops."""
    message = OutboxMessage.objects.create(key="event:42:sms", kind="sms",
                                           payload={"to": "0912000042", "dossier_code": "X-260101-0001"})
    assert notifications.outbox_send(key=message.key) is True
    sent = SmsMessage.objects.get()
    assert sent.message_id == "event:42:sms" and "X-260101-0001" in sent.text

    notifications.sms_backend().send("0912000042", "lần hai", message_id="event:42:sms")  # the crash's repeat
    assert SmsMessage.objects.count() == 1 and SmsMessage.objects.get().text == sent.text


@pytest.mark.django_db
def test_a_message_is_marked_dispatched_before_its_task_can_run(monkeypatch, citizen):
    """A fast worker ran outbox_send while dispatch() still held the row lock for its UPDATE after
    publishing; SKIP LOCKED then skipped the e-mail, left to the relay (seen in the real-worker test).
    Marking first means nothing writes the row after the task is handed over."""
    OutboxMessage.objects.create(key="event:test:email", kind="email", payload={"to": "a@example.vn"})
    OutboxMessage.objects.create(key="event:test:sms", kind="sms", payload={"to": "0900000000"})
    seen = []

    def fake_publish(task, key):
        seen.append(OutboxMessage.objects.get(key=key).dispatched_at is not None)

    monkeypatch.setattr(notifications, "publish", fake_publish)
    notifications.dispatch(["event:test:email", "event:test:sms"])
    assert seen == [True, True]


@pytest.mark.django_db
def test_messages_the_broker_did_not_take_are_left_to_the_relay(monkeypatch):
    OutboxMessage.objects.create(key="event:t2:email", kind="email", payload={"to": "a@example.vn"})
    OutboxMessage.objects.create(key="event:t2:sms", kind="sms", payload={"to": "0900000000"})

    def failing_publish(task, key):
        if key.endswith("sms"):
            raise notifications.QueueUnavailable("down")

    monkeypatch.setattr(notifications, "publish", failing_publish)
    notifications.dispatch(["event:t2:email", "event:t2:sms"])
    assert OutboxMessage.objects.get(key="event:t2:email").dispatched_at is not None
    assert OutboxMessage.objects.get(key="event:t2:sms").dispatched_at is None
