"""Sync of every dossier status change to the National Public Service Portal (Cổng Dịch vụ công quốc gia,
issue 18 item 3). Configuration for a real endpoint: docs/national-sync.md.

The contract, end to end:

- **Same transaction.** `lifecycle.apply()` calls `record_status_change()` after writing its audit
  event: a NationalSyncEvent row with the dossier's next `sequence` (allocated under the dossier's row
  lock, so 1, 2, 3 … without gaps). A rolled-back transition leaves no event; a committed one always has
  one. On commit the dossier's sync task is published (`portal.celery.publish`, by name); a broker outage
  leaves it to the relay (`relay()`, every minute), as the notification outbox does.
- **In order per dossier.** `sync_dossier()` sends only the dossier's first unacknowledged event, under a
  transaction-scoped advisory lock per dossier (two workers never send for one dossier at once), and
  moves to the next only after the acknowledgment is committed. A dead-lettered event blocks the events
  behind it until someone replays it: a later status never overtakes an earlier one at the portal.
- **Idempotent by event id.** The CloudEvents `id` is the row's `event_id`; the receiver keeps an event
  once and answers a repeat as a duplicate, which counts as an acknowledgment. A worker killed after the
  receiver took the event but before the acknowledgment was committed is rolled back by PostgreSQL; the
  task comes back (acks_late) and the resend is answered "duplicate".
- **Retries with exponential backoff** (NATIONAL_PORTAL_RETRY_BASE_SECONDS × 2^(attempt−1), capped at
  NATIONAL_PORTAL_RETRY_MAX_SECONDS) through Celery's retry; after NATIONAL_PORTAL_MAX_ATTEMPTS the event
  goes to the dead-letter list (`dead_letters()`, the monitor's page, the admin, `manage.py national_sync`);
  `services.national_event_replay()` puts it back in line.
- **Reconciliation** (`reconcile()`, nightly): MotCua's dossiers per (agency now handling, national
  status code) against the receiver's counts of what it acknowledged.
- **Sync rate** (`sync_rate()`): dossiers received in a month with at least one acknowledged event /
  dossiers received, per receiving agency; Decision 766 indicator 1.3 counts the same set
  (`synced_condition()`).

The event is a CloudEvents 1.0 structured JSON event built by the CNCF SDK (`cloudevents`), signed with
HMAC-SHA256 over "<timestamp>.<body>" (headers X-MotCua-Timestamp, X-MotCua-Signature: sha256=<hex>);
mutual TLS can be added with NATIONAL_PORTAL_CLIENT_CERT. The real portal's exact message schema is not
public (it is agreed with the Văn phòng Chính phủ when a province connects, through the NDXP/LGSP): the
`data` below is MotCua's, and a real endpoint that wants another body gets its own `PortalClient`.
"""

import hashlib
import hmac
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as dt_time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from dossiers.models import (
    NATIONAL_STATUS_CODES,
    Dossier,
    NationalSyncEvent,
    NationalSyncReconciliation,
    Status,
)
from portal.celery import QueueUnavailable, publish
from procedures.calendar import VN_TZ

logger = logging.getLogger(__name__)

EVENT_TYPE = "vn.gov.dichvucong.hoso.trangthai.v1"  # a dossier's status changed
SYNC_TASK = "dossiers.tasks.sync_dossier"  # by name: dossiers.tasks imports this module
SIGNATURE_HEADER, TIMESTAMP_HEADER = "X-MotCua-Signature", "X-MotCua-Timestamp"
SIGNATURE_MAX_AGE_SECONDS = 300
SANDBOX_PATH = "/sandbox/cong-dvcqg/"
_LOCK_NAMESPACE = 18_003  # advisory lock class of the sync (issue 18 item 3), one lock per dossier


# --- writing (inside the transition's transaction) --------------------------------------------------
def record_status_change(*, dossier, event, agency_changed=False):
    """Write the outbox row for `event` (a DossierEvent of `lifecycle.apply()`), and publish on commit.

    Called with the dossier's row locked, which makes `Max(sequence) + 1` safe. A transition that changes
    neither the status nor the handling agency (a reassignment inside "processing") is nothing the portal
    tracks and writes nothing; `agency_changed` says the handling agency changed outside a transition (the
    hand-over of dossiers.services.reorganize). Returns the row or None.
    """
    if (not agency_changed and event.from_status == dossier.status
            and event.agency_id == dossier.handling_agency_id):
        return None
    national_status = NATIONAL_STATUS_CODES.get(dossier.status)
    if national_status is None:
        return None
    last = NationalSyncEvent.objects.filter(dossier=dossier).aggregate(last=Max("sequence"))["last"] or 0
    row = NationalSyncEvent.objects.create(
        dossier=dossier, sequence=last + 1, dossier_event=event, agency_id=dossier.handling_agency_id,
        status=dossier.status, national_status=national_status, occurred_at=event.created_at,
        payload=_payload(dossier, event, national_status),
    )
    transaction.on_commit(lambda: dispatch([dossier.pk]))
    return row


def _payload(dossier, event, national_status):
    """What the portal is told: the dossier's identity, where it is and its status; no applicant's
    personal data (the portal's own sync of applicant data goes through the national identity system)."""
    codes = Dossier.objects.filter(pk=dossier.pk).values(  # one query for the three codes
        "procedure__code", "receiving_agency__code", "handling_agency__code").get()
    return {
        # The dossier's identity across its events: the number it was first given. Receipt replaces an
        # online dossier's submission number by its code proper, dated at receipt (dossier_receive), so
        # `dossier_code` may change once; `dossier_key` never does.
        "dossier_key": dossier.submission_code or dossier.code,
        "dossier_code": dossier.code,
        "submission_code": dossier.submission_code,
        "procedure_code": codes["procedure__code"],
        "receiving_agency_code": codes["receiving_agency__code"],
        "agency_code": codes["handling_agency__code"],
        "status_code": national_status,
        "from_status_code": NATIONAL_STATUS_CODES.get(event.from_status),
        "status": dossier.status,
        "action": event.action,
        "channel": dossier.channel,
        "received_at": dossier.received_at.isoformat() if dossier.received_at else None,
        "due_date": dossier.due_date.isoformat() if dossier.due_date else None,
        "completed_at": dossier.completed_at.isoformat() if dossier.completed_at else None,
        "returned_at": dossier.returned_at.isoformat() if dossier.returned_at else None,
        "province_code": settings.SITE_PROVINCE_CODE,
    }


def configured():
    return bool(settings.NATIONAL_PORTAL_URL)


def dispatch(dossier_ids):
    """Best effort, on commit: one sync task per dossier. Not configured or no broker: the relay's job."""
    if not configured():
        return 0
    published = 0
    try:
        for dossier_id in dossier_ids:
            publish(SYNC_TASK, dossier_id)
            published += 1
    except QueueUnavailable as exc:
        logger.warning("broker unavailable, %d dossier sync(s) left to the relay: %s",
                       len(dossier_ids) - published, exc)
    return published


# --- the receiver's interface -----------------------------------------------------------------------
class DeliveryFailed(Exception):
    """The receiver did not acknowledge the event (refused, failed, timed out, unreachable)."""


@dataclass(frozen=True)
class Ack:
    duplicate: bool = False  # the receiver already held this event id


class PortalClient:
    """Talks to the national portal: `send` one event or raise DeliveryFailed; `counts` of what it holds."""

    def send(self, event):
        raise NotImplementedError

    def counts(self):
        """{(agency code, national status code): number of dossiers} as the receiver last acknowledged."""
        raise NotImplementedError


def cloud_event(event):
    """The row as a CloudEvents 1.0 event (the CNCF SDK validates the required attributes)."""
    from cloudevents.core.v1.event import CloudEvent

    return CloudEvent(
        attributes={
            "id": str(event.event_id), "source": settings.NATIONAL_PORTAL_SOURCE, "type": EVENT_TYPE,
            "subject": event.payload.get("dossier_key") or event.payload["dossier_code"], "time": event.occurred_at,
            "datacontenttype": "application/json",
            # The CloudEvents "sequence" extension: the dossier's events in order, 1, 2, 3 …
            "sequence": str(event.sequence),
        },
        data=event.payload,
    )


def structured(event):
    """(headers, body bytes) of the structured-mode HTTP message."""
    from cloudevents.core.bindings import http

    message = http.to_structured_event(cloud_event(event))
    return dict(message.headers), message.body


def signature(body, timestamp, secret=None):
    secret = settings.NATIONAL_PORTAL_SECRET if secret is None else secret
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(body, now=None):
    timestamp = str(int(now if now is not None else time.time()))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: signature(body, timestamp)}


def signature_valid(body, timestamp, given, now=None):
    """Constant-time check of a request's signature, refusing one older than five minutes (replay)."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except (TypeError, ValueError):
        return False
    if age > SIGNATURE_MAX_AGE_SECONDS or not settings.NATIONAL_PORTAL_SECRET:
        return False
    return hmac.compare_digest(signature(body, timestamp), given or "")


class HttpPortalClient(PortalClient):
    """POSTs each event to NATIONAL_PORTAL_URL + "events"; reads NATIONAL_PORTAL_URL + "counts".

    2xx is an acknowledgment ({"status": "duplicate"} in the body, or 409, says the receiver already had
    it); anything else, a timeout or a refused connection is DeliveryFailed.
    """

    def __init__(self):
        import requests  # here: only the HTTP client needs it

        self.requests = requests
        self.base = settings.NATIONAL_PORTAL_URL.rstrip("/") + "/"
        self.options = {"timeout": settings.NATIONAL_PORTAL_TIMEOUT_SECONDS}
        if settings.NATIONAL_PORTAL_CLIENT_CERT:  # mutual TLS: the province's client certificate
            self.options["cert"] = (settings.NATIONAL_PORTAL_CLIENT_CERT, settings.NATIONAL_PORTAL_CLIENT_KEY or None)
        if settings.NATIONAL_PORTAL_CA_BUNDLE:
            self.options["verify"] = settings.NATIONAL_PORTAL_CA_BUNDLE

    def send(self, event):
        headers, body = structured(event)
        headers.update(signed_headers(body))
        try:
            response = self.requests.post(self.base + "events", data=body, headers=headers, **self.options)
        except self.requests.RequestException as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 409:
            return Ack(duplicate=True)
        if not 200 <= response.status_code < 300:
            raise DeliveryFailed(f"HTTP {response.status_code}: {response.text[:300]}")
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return Ack(duplicate=isinstance(answer, dict) and answer.get("status") == "duplicate")

    def counts(self):
        headers = signed_headers(b"")
        try:
            response = self.requests.get(self.base + "counts", headers=headers, **self.options)
            response.raise_for_status()
            rows = response.json()["counts"]
        except (self.requests.RequestException, ValueError, KeyError) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        return {(row["agency_code"], int(row["status_code"])): int(row["count"]) for row in rows}


def client():
    return import_string(settings.NATIONAL_PORTAL_CLIENT)()


# --- sending, in order, once ------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    retry_in: float | None = None  # seconds after which the task must run again (backoff, or the lock busy)
    state: str = "done"  # done | waiting | busy | dead | not_configured


def backoff(attempts):
    """Seconds before attempt `attempts + 1`: base × 2^(attempts − 1), capped."""
    base, cap = settings.NATIONAL_PORTAL_RETRY_BASE_SECONDS, settings.NATIONAL_PORTAL_RETRY_MAX_SECONDS
    return min(cap, base * 2 ** max(0, attempts - 1))


def _lock_dossier(dossier_id):
    """This transaction's advisory lock on the dossier's sync, or False when another worker holds it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, dossier_id % 2_147_483_647])
        return cursor.fetchone()[0]


def sync_dossier(*, dossier_id, limit=100, portal=None):
    """Send the dossier's unacknowledged events one by one, in sequence order, each in its own transaction.

    Idempotent: an acknowledged event is never sent again, and a resend after a lost acknowledgment
    carries the same event id. Returns an Outcome saying whether (and when) to run again.
    """
    if not configured():
        return Outcome(state="not_configured")
    portal = portal or client()
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            if not _lock_dossier(dossier_id):
                return Outcome(sent, retry_in=2.0, state="busy")
            head = (NationalSyncEvent.objects.select_for_update().filter(dossier_id=dossier_id, acked_at__isnull=True)
                    .order_by("sequence").first())
            if head is None:
                return Outcome(sent)
            if head.dead_at is not None:
                return Outcome(sent, state="dead")
            now = timezone.now()
            if head.next_attempt_at and head.next_attempt_at > now:
                return Outcome(sent, retry_in=(head.next_attempt_at - now).total_seconds(), state="waiting")
            head.attempts += 1
            head.dispatched_at = now
            try:
                ack = portal.send(head)
            except DeliveryFailed as exc:
                head.last_error = str(exc)[:2000]
                delay = backoff(head.attempts)
                head.next_attempt_at = now + timedelta(seconds=delay)
                if head.attempts >= settings.NATIONAL_PORTAL_MAX_ATTEMPTS:
                    head.dead_at = now
                    logger.error("national sync: event %s of dossier %s dead-lettered after %d attempts: %s",
                                 head.event_id, dossier_id, head.attempts, exc)
                head.save(update_fields=["attempts", "dispatched_at", "last_error", "next_attempt_at", "dead_at"])
                if head.dead_at:
                    return Outcome(sent, state="dead")
                return Outcome(sent, retry_in=delay, state="waiting")
            head.acked_at, head.ack_duplicate, head.next_attempt_at = timezone.now(), ack.duplicate, None
            head.save(update_fields=["attempts", "dispatched_at", "acked_at", "ack_duplicate", "next_attempt_at"])
            sent += 1
    return Outcome(sent, retry_in=0.0, state="waiting")  # more than `limit`: carry on in a new task


def pending_heads(*, now=None, stale_after_seconds=600, limit=500):
    """The first unacknowledged, not dead-lettered event of each dossier that is due and not in a worker's
    hands (never dispatched, or dispatched longer ago than `stale_after_seconds`)."""
    now = now or timezone.now()
    heads = (NationalSyncEvent.objects.filter(acked_at__isnull=True).order_by("dossier_id", "sequence")
             .distinct("dossier_id").values("pk", "dossier_id", "dead_at", "next_attempt_at", "dispatched_at"))
    stale = now - timedelta(seconds=stale_after_seconds)
    due = [h for h in heads if h["dead_at"] is None and (h["next_attempt_at"] is None or h["next_attempt_at"] <= now)
           and (h["dispatched_at"] is None or h["dispatched_at"] < stale)]
    return due[:limit]


def relay(*, limit=500):
    """Hand over the dossiers whose sync never reached a worker (broker outage, lost retry). Every minute."""
    if not configured():
        return 0
    heads = pending_heads(limit=limit)
    NationalSyncEvent.objects.filter(pk__in=[h["pk"] for h in heads]).update(dispatched_at=timezone.now())
    return dispatch([h["dossier_id"] for h in heads])


# --- the dead-letter list ----------------------------------------------------------------------------
def dead_letters():
    """Dead-lettered events, oldest first, each with how many of its dossier's events wait behind it."""
    behind = NationalSyncEvent.objects.filter(dossier_id=OuterRef("dossier_id"), acked_at__isnull=True,
                                              sequence__gt=OuterRef("sequence"))
    return (NationalSyncEvent.objects.filter(dead_at__isnull=False, acked_at__isnull=True)
            .select_related("dossier", "agency").order_by("dead_at", "pk")
            .annotate(waiting_behind=_count(behind)))


def _count(queryset):
    from django.db.models import IntegerField, Subquery
    from django.db.models.functions import Coalesce

    counted = queryset.order_by().values("dossier_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# --- reconciliation and the sync rate ---------------------------------------------------------------
def local_counts():
    """{(agency code, national status code): dossiers} of MotCua's dossiers past the draft."""
    counts = {}
    rows = (Dossier.objects.exclude(status=Status.DRAFT).values("handling_agency__code", "status")
            .annotate(n=Count("pk")).order_by())
    for row in rows:
        key = (row["handling_agency__code"], NATIONAL_STATUS_CODES[row["status"]])
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def reconcile(*, portal=None):
    """Compare MotCua's counts per (agency, national status) with what the receiver acknowledged; store
    and return the NationalSyncReconciliation (differing cells only). Nightly (CELERY_BEAT_SCHEDULE)."""
    local = local_counts()
    pending = NationalSyncEvent.objects.filter(acked_at__isnull=True).count()
    dead = NationalSyncEvent.objects.filter(acked_at__isnull=True, dead_at__isnull=False).count()
    try:
        remote = (portal or client()).counts()
    except DeliveryFailed as exc:
        return NationalSyncReconciliation.objects.create(
            equal=False, local_total=sum(local.values()), remote_total=0, pending=pending, dead=dead, error=str(exc))
    differences = [
        {"agency": agency, "status": status, "local": local.get((agency, status), 0),
         "remote": remote.get((agency, status), 0)}
        for agency, status in sorted(set(local) | set(remote))
        if local.get((agency, status), 0) != remote.get((agency, status), 0)
    ]
    if differences:
        logger.warning("national sync reconciliation: %d cell(s) differ", len(differences))
    return NationalSyncReconciliation.objects.create(
        equal=not differences, local_total=sum(local.values()), remote_total=sum(remote.values()),
        pending=pending, dead=dead, differences=differences)


def synced_condition():
    """A dossier the national portal holds: at least one of its events acknowledged (Decision 766,
    indicator 1.3 "hồ sơ đồng bộ lên Cổng DVC quốc gia"; reports.metrics counts with it)."""
    return Q(Exists(NationalSyncEvent.objects.filter(dossier=OuterRef("pk"), acked_at__isnull=False)))


def sync_rate(*, month, agency_ids=None):
    """Per receiving agency, the dossiers received in `month` (a date in it), how many the portal holds,
    and the rate in percent (None without dossiers): [{"agency_id", "agency_code", "received", "synced",
    "rate"}], ordered by agency code."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    # The month's bounds are local (Asia/Ho_Chi_Minh) midnights, as in the monthly statistics.
    start, end = datetime.combine(first, dt_time(), VN_TZ), datetime.combine(following, dt_time(), VN_TZ)
    dossiers = Dossier.objects.filter(received_at__gte=start, received_at__lt=end)
    if agency_ids is not None:
        dossiers = dossiers.filter(receiving_agency_id__in=agency_ids)
    rows = (dossiers.values("receiving_agency_id", "receiving_agency__code").order_by("receiving_agency__code")
            .annotate(received=Count("pk"), synced=Count("pk", filter=synced_condition())))
    return [{"agency_id": row["receiving_agency_id"], "agency_code": row["receiving_agency__code"],
             "received": row["received"], "synced": row["synced"],
             "rate": round(row["synced"] * 100 / row["received"], 1) if row["received"] else None} for row in rows]
