"""Notifications to applicants: written to the outbox in the state change's transaction, sent by Celery.

The outbox row is the promise: if Redis is down when the transaction commits, the row stays unsent and
the relay task (`dossiers.tasks.relay_outbox`, every minute) hands it to a worker later. Sending is
idempotent per row (`outbox_send` locks it and skips it once `sent_at` is set), so a redelivered task
never sends twice.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from dossiers.models import DossierEvent, OutboxMessage, SmsMessage, Status
from portal.celery import QueueUnavailable, publish

logger = logging.getLogger(__name__)


# --- SMS gateway interface ------------------------------------------------------------------------
class SmsBackend:
    """A gateway sends one text to one Vietnamese phone number or raises.

    `message_id` is the outbox key, given to the gateway as the sender's message id (brandname SMS
    gateways accept one and drop a repeat): if a worker dies after the gateway accepted a message but
    before `outbox_send` committed, the redelivered task sends the same id again and the citizen still
    gets one SMS.
    """

    def send(self, phone, text, *, message_id):
        raise NotImplementedError


class SandboxSmsBackend(SmsBackend):
    """Records messages in the database (visible in the admin) instead of sending them; like a real
    gateway it accepts a message id once and ignores a repeat."""

    def send(self, phone, text, *, message_id):
        if settings.SMS_SANDBOX_DELAY_SECONDS:  # a slow gateway, for fault tests
            time.sleep(settings.SMS_SANDBOX_DELAY_SECONDS)
        _message, created = SmsMessage.objects.get_or_create(
            message_id=message_id, defaults={"phone": phone, "text": text})
        if created:
            logger.info("sandbox SMS to %s: %s", phone[:3] + "****" + phone[-3:], text)
        else:
            logger.info("sandbox SMS gateway: message %s already accepted, repeat ignored", message_id)


def sms_backend():
    return import_string(settings.SMS_BACKEND)()


# --- writing to the outbox ------------------------------------------------------------------------
def notify_applicant(*, dossier, event):
    """Queue e-mail and SMS about `event` for the applicant; call inside the transition's transaction."""
    context = {"dossier_code": dossier.code, "event_id": event.pk, "status": dossier.status, "action": event.action,
               "reason": event.comment if event.comment_audience == DossierEvent.Audience.APPLICANT else "", "due_date": dossier.due_date.isoformat() if dossier.due_date else None,
               # The papers a supplement request (Mẫu 02) asks for, listed in the message (issue 21 item 1).
               "missing": list((event.data or {}).get("missing", [])) if event.action == "request_supplement" else []}
    if context["missing"]:
        context["supplement_path"] = reverse("dossier_supplement", args=[dossier.public_id])
    messages = []
    if dossier.applicant_email:
        messages.append(OutboxMessage(key=f"event:{event.pk}:email", kind="email",
                                      payload={**context, "to": dossier.applicant_email}))
    if dossier.applicant_phone:
        messages.append(OutboxMessage(key=f"event:{event.pk}:sms", kind="sms",
                                      payload={**context, "to": dossier.applicant_phone}))
    queue_messages(messages)


def queue_messages(messages):
    """Save outbox rows now; hand them to Celery when (and only if) the transaction commits."""
    if not messages:
        return
    saved = OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True)
    keys = [m.key for m in saved]
    transaction.on_commit(lambda: dispatch(keys))


# By name: the worker module (dossiers.tasks) imports this one, never the other way round.
SEND_TASK = "dossiers.tasks.send_outbox_message"


def _publish(keys):
    """Enqueue one send task per key (`portal.celery.publish`: no retry, and nothing at all for a while
    after the broker failed). Returns how many were handed over before the broker failed, if it did;
    the rest wait in the outbox for the relay."""
    published = 0
    try:
        for key in keys:
            publish(SEND_TASK, key)
            published += 1
    except QueueUnavailable as exc:
        logger.warning("broker unavailable, %d notification(s) left to the relay: %s", len(keys) - published, exc)
    return published


def dispatch(keys):
    """Best effort, on commit: hand the messages to Celery. A broker error leaves them to the relay.

    The rows are marked dispatched *before* the tasks are published, and only the ones the broker did
    not take are unmarked after: an UPDATE after publishing held the row lock just when a fast worker
    ran `outbox_send`, whose SKIP LOCKED then skipped the message, leaving it to the relay minutes later.
    """
    marked = list(OutboxMessage.objects.filter(key__in=keys, dispatched_at__isnull=True).values_list("key", flat=True))
    OutboxMessage.objects.filter(key__in=marked).update(dispatched_at=timezone.now())
    published = _publish(keys)
    if published < len(keys):
        OutboxMessage.objects.filter(key__in=[k for k in keys[published:] if k in marked]).update(dispatched_at=None)


# E-mail kinds, each with its template notifications/<kind>.txt (first line: subject); SMS kinds, each with
# its one-line template.
EMAIL_KINDS = ("email", "digest", "appointment")
SMS_KINDS = ("sms", "appointment_sms")


# --- sending --------------------------------------------------------------------------------------
def render_message(message):
    """Subject and body, Vietnamese first then English, from templates/notifications/."""
    parts = {}
    for language in ("vi", "en"):
        with translation.override(language):
            context = dict(
                message.payload, site_url=settings.SITE_URL, site_name=settings.SITE_NAME,
                status_label=str(Status(message.payload["status"]).label) if message.payload.get("status") else "",
            )
            parts[language] = render_to_string(f"notifications/{message.kind}.txt", context).strip()
    is_email = message.kind in EMAIL_KINDS
    subject = parts["vi"].splitlines()[0] if is_email else ""
    if is_email:
        body = parts["vi"].split("\n", 1)[-1].strip() + "\n\n---\n" + parts["en"].split("\n", 1)[-1].strip()
    else:
        body = parts["vi"]
    return subject, body


def outbox_send(*, key):
    """Send one outbox message exactly once. Returns True if sent now, False if already sent/locked."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(key=key, sent_at__isnull=True).first()
        )
        if message is None:
            return False
        message.attempts += 1
        subject, body = render_message(message)
        try:
            if message.kind in EMAIL_KINDS:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [message.payload["to"]])
            elif message.kind in SMS_KINDS:
                sms_backend().send(message.payload["to"], body, message_id=message.key)
            else:
                raise ValueError(f"unknown outbox kind {message.kind}")
        except Exception as exc:
            OutboxMessage.objects.filter(pk=message.pk).update(attempts=message.attempts, last_error=str(exc)[:2000])
            raise
        message.sent_at = timezone.now()
        message.save(update_fields=["sent_at", "attempts"])
        return True


def outbox_take_pending(*, limit=500, stale_after_seconds=600):
    """Claim unsent messages that never reached a worker (broker outage) or whose task was lost.

    SKIP LOCKED lets two relays run at once without taking the same rows; claimed rows are stamped
    so the next relay leaves them alone for `stale_after_seconds`.
    """
    now = timezone.now()
    with transaction.atomic():
        keys = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, attempts__lt=10)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - timedelta(seconds=stale_after_seconds)))
            .filter(created_at__lt=now - timedelta(seconds=5))
            .order_by("created_at").values_list("key", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(key__in=keys).update(dispatched_at=now)
    return keys


def outbox_relay(*, limit=500):
    """Claim pending messages and hand them to Celery; what the broker refuses goes back unclaimed, so
    the next run (every minute) tries again instead of waiting for the claim to go stale. Returns the
    number handed over."""
    keys = outbox_take_pending(limit=limit)
    published = _publish(keys)
    if published < len(keys):
        OutboxMessage.objects.filter(key__in=keys[published:], sent_at__isnull=True).update(dispatched_at=None)
    return published
