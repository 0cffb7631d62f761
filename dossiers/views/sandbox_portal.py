"""The sandbox national portal: a receiver of MotCua's sync events that runs here (issue 18 item 3).

It checks what the real one would check — the HMAC signature and its age, a well-formed CloudEvents 1.0
structured event, the dossier's events arriving in sequence (a gap is refused with 422) — keeps each
event id once (a repeat is answered {"status": "duplicate"}), and serves the counts per (agency, status)
of the dossiers' last acknowledged event for the reconciliation.

It misbehaves on request: SandboxPortalFault rows (the admin, `manage.py national_sync fault`, the
tests) make the next requests fail (503, nothing kept), time out (kept, answered after the client gave
up), answer "duplicate" (kept, answered as a repeat) or hold the connection (kept, answered late: the
window in which a test kills the sending worker). With DEBUG off it answers 404 unless ALLOW_SANDBOX=1
(and `check --deploy` refuses it as the configured endpoint: dossiers.E005).
"""

import json
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dossiers import national_sync
from dossiers.models import SandboxPortalFault, SandboxPortalReceipt


def sandbox_allowed():
    return settings.DEBUG or settings.ALLOW_SANDBOX


def _check(request, body):
    if not sandbox_allowed():
        raise Http404
    if not national_sync.signature_valid(body, request.headers.get(national_sync.TIMESTAMP_HEADER),
                                         request.headers.get(national_sync.SIGNATURE_HEADER)):
        return JsonResponse({"error": "invalid or stale signature"}, status=401)
    return None


def _take_fault():
    """The first scripted fault still to play, used up by one (in its own transaction)."""
    with transaction.atomic():
        fault = SandboxPortalFault.objects.select_for_update().filter(remaining__gt=0).order_by("pk").first()
        if fault is None:
            return None
        SandboxPortalFault.objects.filter(pk=fault.pk).update(remaining=F("remaining") - 1)
        return fault


def _keep(event):
    """Keep the event once; returns "accepted", "duplicate" or "out_of_order" (a gap before it)."""
    data = event.get_data() or {}
    sequence = int(event.get_extension("sequence") or 0)
    with transaction.atomic():
        updated = SandboxPortalReceipt.objects.filter(event_id=event.get_id()).update(deliveries=F("deliveries") + 1)
        if updated:
            return "duplicate"
        code = data.get("dossier_key") or data.get("dossier_code", "")  # stable across the code given at receipt
        # Serialise one dossier's events (the portal's own order check) on a transaction-scoped lock.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(18004, hashtext(%s))", [code])
        last = SandboxPortalReceipt.objects.filter(dossier_code=code).aggregate(last=Max("sequence"))["last"] or 0
        if sequence != last + 1:
            return "out_of_order"
        SandboxPortalReceipt.objects.create(
            event_id=event.get_id(), dossier_code=code, agency_code=data.get("agency_code", ""), sequence=sequence,
            national_status=int(data.get("status_code") or 0), event=json.loads(_body_of(event)))
        return "accepted"


def _body_of(event):
    from cloudevents.core.bindings import http

    return http.to_structured_event(event).body


@csrf_exempt
@require_POST
def events(request):
    body = request.body
    refused = _check(request, body)
    if refused:
        return refused
    from cloudevents.core.bindings import http

    try:
        event = http.from_structured_event(http.HTTPMessage(headers={"content-type": request.content_type},
                                                            body=body))
    except Exception as exc:  # noqa: BLE001 - the SDK raises several kinds for a malformed event
        return JsonResponse({"error": f"not a CloudEvents 1.0 structured event: {exc}"}, status=400)
    fault = _take_fault()
    if fault is not None and fault.kind == SandboxPortalFault.Kind.FAIL:
        return JsonResponse({"error": "sandbox: told to fail"}, status=503)
    outcome = _keep(event)
    if outcome == "out_of_order":
        return JsonResponse({"error": "an earlier event of this dossier is missing"}, status=422)
    if fault is not None and fault.kind in (SandboxPortalFault.Kind.TIMEOUT, SandboxPortalFault.Kind.HOLD):
        time.sleep(fault.seconds or settings.NATIONAL_PORTAL_TIMEOUT_SECONDS + 1)
    if fault is not None and fault.kind == SandboxPortalFault.Kind.DUPLICATE:
        outcome = "duplicate"
    return JsonResponse({"status": outcome, "id": event.get_id()}, status=200)


@require_GET
def counts(request):
    refused = _check(request, b"")
    if refused:
        return refused
    latest = {}
    for receipt in SandboxPortalReceipt.objects.order_by("dossier_code", "sequence").only(
            "dossier_code", "agency_code", "national_status"):
        latest[receipt.dossier_code] = (receipt.agency_code, receipt.national_status)
    totals = {}
    for key in latest.values():
        totals[key] = totals.get(key, 0) + 1
    return JsonResponse({"counts": [{"agency_code": agency, "status_code": status, "count": n}
                                    for (agency, status), n in sorted(totals.items())]})
