"""Celery tasks of the dossiers app: thin wrappers around services, safe to run twice."""

from celery import shared_task

from dossiers import notifications


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


@shared_task(acks_late=True)
def watch_overdue(day=None):
    """Each working morning: digest of due-soon and overdue dossiers to each agency's leaders.

    Idempotent: one outbox message per (agency, leader, day), so a second run queues nothing new.
    """
    from datetime import date

    from dossiers.services.desk import dossiers_watch_overdue

    return dossiers_watch_overdue(day=date.fromisoformat(day) if day else None)


@shared_task(acks_late=True, ignore_result=True)
def purge_staged_uploads():
    """Hourly: counter scans kept across a form error and never sent again (issue 21 item 9). Idempotent."""
    # Imported here like watch_overdue's service: the services package must not load with this module.
    from dossiers.services.staging import staged_uploads_purge

    return staged_uploads_purge()
