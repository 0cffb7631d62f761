"""Fee payment pages: start a payment, the sandbox bank, the bank's return and notification, the receipt.

A gateway refused here (the sandbox bank with DEBUG off and no ALLOW_SANDBOX, dossiers/payments.py)
answers a translated "online payment is not available" instead of a 500 (issue 20 item 3).
"""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import lifecycle, payments, receipts, services, signing
from dossiers.models import Dossier, Payment
from dossiers.views.citizen import _own

logger = logging.getLogger(__name__)

UNAVAILABLE = payments.UNAVAILABLE


@login_required
@require_POST
def pay(request, public_id):
    dossier = _own(request, public_id)
    try:
        _payment, url = services.payment_start(dossier=dossier, actor=request.user,
                                               return_url=request.build_absolute_uri(reverse("payment_return")))
    except lifecycle.LifecycleError as error:
        messages.error(request, error.message)
        return redirect("dossier_detail", dossier.public_id)
    except ImproperlyConfigured as refused:
        logger.error("payment gateway refused: %s", refused)
        messages.error(request, UNAVAILABLE)
        return redirect("dossier_detail", dossier.public_id)
    return redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def payment_sandbox(request, order_id):
    """The simulated bank: "Thanh toán" or "Hủy", then a signed notification. Only for the dossier's
    applicant, and 404 unless the sandbox is the configured provider and allowed here (issue 20 item 3)."""
    if not payments.sandbox_in_use():
        raise Http404
    gateway = payments.provider()
    payment = get_object_or_404(Payment, order_id=order_id, provider=gateway.name, dossier__applicant=request.user)
    if request.method == "POST":
        success = request.POST.get("result") == "pay"
        params = gateway.notification(payment, success=success, reference=f"SBX{payment.pk:08d}")
        return redirect(f"{reverse('payment_return')}?{_urlencode(params)}")
    return render(request, "dossiers/payment_sandbox.html", {"payment": payment})


def _urlencode(params):
    return urlencode(params)


def _confirm(params):
    try:
        return services.payment_confirm(params=params)
    except ImproperlyConfigured as refused:  # no gateway may settle anything here: refuse, do not apply
        logger.error("payment notification refused, gateway not allowed: %s", refused)
        return None
    except payments.InvalidSignature:
        return None
    except Payment.DoesNotExist:
        logger.warning("payment notification for an unknown order %r refused", params.get("order_id"))
        return None


@require_GET
def payment_return(request):
    """Where the bank sends the citizen back: verify, apply (idempotent), show the receipt."""
    payment = _confirm(request.GET.dict())
    if payment is None:
        return render(request, "dossiers/payment_invalid.html", status=400)
    return redirect("payment_receipt", payment.order_id)


@csrf_exempt  # server-to-server notification from the bank; authenticated by its HMAC signature
@require_POST
def payment_callback(request):
    payment = _confirm(request.POST.dict())
    if payment is None:
        return HttpResponseBadRequest("invalid notification")
    return render(request, "dossiers/payment_ack.txt", {"payment": payment}, content_type="text/plain")


@login_required
@require_GET
def payment_receipt(request, order_id):
    try:
        payment = Payment.objects.select_related("dossier", "dossier__procedure").get(
            order_id=order_id, dossier__in=Dossier.objects.visible_to(request.user))
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    return render(request, "dossiers/payment_receipt.html", {"payment": payment, "dossier": payment.dossier})


@require_GET
@login_required
def payment_receipt_pdf(request, order_id):
    """The electronic receipt (services.payment_receipt_issue): the PDF issued once when the bank settled,
    made now if the worker has not yet; 404 for a payment not settled. A certificate that may not sign
    answers a page that says so (503), never a 500."""
    payment = get_object_or_404(Payment.objects.select_related("dossier"), order_id=order_id,
                                dossier__in=Dossier.objects.visible_to(request.user), paid_at__isnull=False)
    try:
        receipt = receipts.payment_receipt_issue(payment=payment)
    except signing.SigningRefused as exc:
        return render(request, "dossiers/payment_receipt_pending.html", {"payment": payment, "reason": str(exc)},
                      status=503)
    try:
        handle = receipt.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="application/pdf", as_attachment=True,
                            filename=f"bien-lai-{receipt.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    receipts.payment_receipt_access_record(receipt=receipt, actor=request.user)
    return response
