"""Celery tasks of the dossiers app: thin wrappers around services, safe to run twice."""

from datetime import date

from celery import shared_task

from dossiers import national_sync, notifications
from dossiers.services.appointments import appointments_mark_missed, appointments_remind


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600,
             max_retries=8, ignore_result=True)
def send_outbox_message(self, key):
    """Idempotent: a message already sent (or being sent by another worker) is skipped.

    Keeps no result: nothing reads it, and publishing a task with a result makes the web process
    subscribe to the result store too, which during a Redis outage tripled the time a request waited."""
    return notifications.outbox_send(key=key)


@shared_task(acks_late=True)
def relay_outbox():
    """Hand over messages that never reached a worker (broker outage, lost task). Runs every minute
    (settings.CELERY_BEAT_SCHEDULE); two runs at once never take the same message (SKIP LOCKED)."""
    return notifications.outbox_relay()


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=None)
def sync_dossier(self, dossier_id):
    """Send the dossier's pending national-portal events in order (dossiers.national_sync.sync_dossier).

    Idempotent by event id; the service never raises for a receiver's failure but says when to come
    back, which becomes Celery's retry with that countdown (exponential backoff). Another worker busy
    with the dossier: back in two seconds, at most 30 times (then the relay takes over)."""
    outcome = national_sync.sync_dossier(dossier_id=dossier_id)
    if outcome.retry_in is not None and not (outcome.state == "busy" and self.request.retries >= 30):
        raise self.retry(countdown=outcome.retry_in)
    return outcome.state


@shared_task(acks_late=True, ignore_result=True)
def relay_national_sync():
    """Every minute: dossiers whose sync task never reached a worker or was lost."""
    return national_sync.relay()


@shared_task(acks_late=True)
def reconcile_national_sync():
    """Nightly: counts per agency and national status against the receiver's (NationalSyncReconciliation)."""
    return national_sync.reconcile().pk


@shared_task(bind=True, acks_late=True, autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=3600,
             max_retries=12, ignore_result=True)
def issue_payment_receipt(self, payment_id):
    """The electronic receipt of a settled payment (services.payment_receipt_issue; idempotent). A refused
    signature (revoked or expired certificate) retries with backoff, for up to a day and a half."""
    from dossiers.models import Payment
    from dossiers.receipts import payment_receipt_issue

    return payment_receipt_issue(payment=Payment.objects.get(pk=payment_id)).number


@shared_task(acks_late=True, ignore_result=True)
def expire_payments():
    """Every five minutes: pending payments past PAYMENT_EXPIRY_MINUTES become expired (idempotent)."""
    from dossiers.services.payment_settle import payments_expire  # services import tasks' names only

    return payments_expire()


@shared_task(acks_late=True)
def watch_overdue(day=None):
    """Each working morning: digest of due-soon and overdue dossiers to each agency's leaders.

    Idempotent: one outbox message per (agency, leader, day), so a second run queues nothing new.
    """
    from datetime import date

    from dossiers.services.desk import dossiers_watch_overdue

    return dossiers_watch_overdue(day=date.fromisoformat(day) if day else None)


@shared_task(acks_late=True)
def remind_appointments(today=None):
    """Hourly in the day: reminders (e-mail, SMS) of tomorrow's appointments at the counter.

    Idempotent: one outbox message per (appointment, slot, channel), so later runs queue only new bookings.
    """
    return appointments_remind(today=date.fromisoformat(today) if today else None)


@shared_task(acks_late=True, ignore_result=True)
def mark_missed_appointments():
    """Every few minutes: booked appointments whose check-in window has passed become "missed". Idempotent."""
    return appointments_mark_missed()


@shared_task(acks_late=True, ignore_result=True)
def purge_staged_uploads():
    """Hourly: counter scans kept across a form error and never sent again (issue 21 item 9). Idempotent."""
    # Imported here like watch_overdue's service: the services package must not load with this module.
    from dossiers.services.staging import staged_uploads_purge

    return staged_uploads_purge()
