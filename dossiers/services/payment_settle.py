"""Settling online payments after the fact (issue 18 item 4): refunds of money that did not settle a fee,
expiry of payments never completed, and the import of a provider's daily reconciliation file (đối soát)
that lists the mismatches for a person to settle. Payments themselves: dossiers/services/citizen.py.
"""

__all__ = ["payment_refund", "payments_expire", "payment_reconciliation_import", "payment_reconciliation_settle",
           "ReconciliationFileInvalid", "RefundNotAllowed"]

import csv
import hashlib
import io
import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers import lifecycle, payments
from dossiers.models import Payment, PaymentReconciliation, Role

logger = logging.getLogger(__name__)

# Bank statuses of a reconciliation file row, as MotCua's file format names them (docs/payments.md).
BANK_SUCCESS, BANK_FAILED, BANK_REFUNDED = "success", "failed", "refunded"
FILE_COLUMNS = ("order_id", "reference", "amount", "status", "time")


class RefundNotAllowed(lifecycle.LifecycleError):
    """The payment is not owed back, or the bank refused the refund: 409 with the message."""


class ReconciliationFileInvalid(lifecycle.LifecycleError):
    """The file is not a reconciliation file (columns, amounts, statuses): 400 with the line."""


def _may_settle(actor, dossier):
    """Refunds and reconciliation are the accounting side's: superusers, the provincial monitor, or a
    leader of the agency now handling the dossier."""
    if actor is None or actor.is_superuser or actor.is_monitor:
        return True
    return Role.LEADER in actor.roles_in(dossier.handling_agency)


def payment_refund(*, payment, actor, provider=None):
    """Pay back a `refund_due` payment through the bank; idempotent (a refunded payment is returned as it is).

    Audited on the dossier (lifecycle.Recorded.REFUNDED, shown to the applicant). The bank is called inside
    the row lock, with the order id as its request id, so a retried refund is never paid twice."""
    gateway = provider or payments.provider()
    with transaction.atomic():
        locked = Payment.objects.select_for_update().select_related("dossier").get(pk=payment.pk)
        if locked.state == Payment.State.REFUNDED:
            return locked
        if not _may_settle(actor, locked.dossier):
            raise PermissionDenied(_("Bạn không có quyền hoàn tiền khoản thanh toán này."))
        if locked.state != Payment.State.REFUND_DUE:
            raise RefundNotAllowed(_("Khoản thanh toán này không thuộc diện hoàn tiền."))
        try:
            reference = gateway.refund(locked)
        except payments.RefundFailed as exc:
            raise RefundNotAllowed(_("Ngân hàng chưa nhận lệnh hoàn tiền: %(reason)s") % {"reason": exc}) from exc
        locked.state, locked.refunded_at, locked.refund_reference = Payment.State.REFUNDED, timezone.now(), reference
        locked.save(update_fields=["state", "refunded_at", "refund_reference"])
        lifecycle.record(dossier=locked.dossier, action=lifecycle.Recorded.REFUNDED, actor=actor,
                         data={"order_id": locked.order_id, "amount": locked.amount, "refund_reference": reference,
                               "reason": locked.refund_reason})
    return locked


def payments_expire(*, now=None):
    """Mark payments still pending after PAYMENT_EXPIRY_MINUTES as expired; returns how many. Idempotent.

    An expired payment is no longer offered (payment_start opens a new one); a success the bank still
    sends for it is applied as usual (payment_confirm reopens it): money taken is never dropped."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.PAYMENT_EXPIRY_MINUTES)
    return Payment.objects.filter(state=Payment.State.PENDING, created_at__lt=cutoff).update(
        state=Payment.State.EXPIRED)


def _rows(content):
    """The file's rows as dicts, checked; raises ReconciliationFileInvalid naming the line."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReconciliationFileInvalid(_("Tệp đối soát phải là CSV mã UTF-8.")) from exc
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != FILE_COLUMNS:
        raise ReconciliationFileInvalid(_("Tệp đối soát phải có đúng các cột: %(columns)s.")
                                        % {"columns": ", ".join(FILE_COLUMNS)})
    rows = []
    for line, row in enumerate(reader, start=2):
        try:
            amount = int(row["amount"])
            datetime.fromisoformat(row["time"])
        except (TypeError, ValueError) as exc:
            raise ReconciliationFileInvalid(_("Dòng %(line)d: số tiền hoặc thời điểm không hợp lệ.")
                                            % {"line": line}) from exc
        if row["status"] not in (BANK_SUCCESS, BANK_FAILED, BANK_REFUNDED) or amount < 0 or not row["order_id"]:
            raise ReconciliationFileInvalid(_("Dòng %(line)d: mã giao dịch hoặc trạng thái không hợp lệ.")
                                            % {"line": line})
        rows.append({**row, "amount": amount})
    return rows


def _mismatch(kind, *, row=None, payment=None):
    return {"kind": kind, "order_id": (row or {}).get("order_id") or payment.order_id,
            "reference": (row or {}).get("reference", "") or (payment.reference if payment else ""),
            "bank_amount": row["amount"] if row else None, "amount": payment.amount if payment else None,
            "bank_status": row["status"] if row else None, "state": payment.state if payment else None,
            "dossier": payment.dossier.code if payment else None}


def payment_reconciliation_import(*, content, day, actor=None, provider_name=None, merchant_code=""):
    """Compare one day's file of the provider (for one merchant account, if `merchant_code`) with MotCua's
    payments; store and return the PaymentReconciliation. The same file twice is refused.

    Mismatches: `unknown_order` (the bank knows an order MotCua does not), `amount` (amounts differ),
    `paid_at_bank_only` (the bank took the money, MotCua shows it unpaid), `refunded_at_bank_only`,
    `paid_here_only` (MotCua counts a payment the bank's file of that day does not), `refund_not_at_bank`.
    """
    provider_name = provider_name or payments.provider().name
    rows = _rows(content)
    by_order = {p.order_id: p for p in Payment.objects.filter(
        provider=provider_name, order_id__in=[r["order_id"] for r in rows]).select_related("dossier")}
    mismatches, seen = [], set()
    settled_here = {Payment.State.PAID, Payment.State.REFUND_DUE, Payment.State.REFUNDED}
    for row in rows:
        payment = by_order.get(row["order_id"])
        seen.add(row["order_id"])
        if payment is None:
            mismatches.append(_mismatch("unknown_order", row=row))
        elif row["status"] != BANK_FAILED and row["amount"] != payment.amount:
            mismatches.append(_mismatch("amount", row=row, payment=payment))
        elif row["status"] == BANK_SUCCESS and payment.state not in settled_here:
            mismatches.append(_mismatch("paid_at_bank_only", row=row, payment=payment))
        elif row["status"] == BANK_REFUNDED and payment.state != Payment.State.REFUNDED:
            mismatches.append(_mismatch("refunded_at_bank_only", row=row, payment=payment))
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    end = start + timedelta(days=1)
    day_payments = Payment.objects.filter(provider=provider_name).select_related("dossier")
    if merchant_code:
        day_payments = day_payments.filter(merchant_code=merchant_code)
    for payment in day_payments.filter(paid_at__gte=start, paid_at__lt=end).exclude(order_id__in=seen):
        mismatches.append(_mismatch("paid_here_only", payment=payment))
    for payment in day_payments.filter(refunded_at__gte=start, refunded_at__lt=end).exclude(order_id__in=seen):
        mismatches.append(_mismatch("refund_not_at_bank", payment=payment))
    try:
        with transaction.atomic():
            return PaymentReconciliation.objects.create(
                provider=provider_name, merchant_code=merchant_code, day=day, sha256=hashlib.sha256(content).hexdigest(), rows=len(rows),
                mismatches=mismatches, imported_by=actor)
    except IntegrityError as exc:
        raise ReconciliationFileInvalid(_("Tệp đối soát này đã được nhập.")) from exc


def payment_reconciliation_settle(*, reconciliation, actor, note):
    """A person records how the day's mismatches were settled (bank contacted, refund made …)."""
    note = (note or "").strip()
    if not note:
        raise lifecycle.ReasonRequired(_("Vui lòng ghi cách đã xử lý chênh lệch."))
    if not (actor.is_superuser or actor.is_monitor):
        raise PermissionDenied(_("Bạn không có quyền xử lý đối soát thanh toán."))
    PaymentReconciliation.objects.filter(pk=reconciliation.pk).update(settled_at=timezone.now(), settled_by=actor,
                                                                      note=note)
    reconciliation.refresh_from_db()
    return reconciliation


def parse_day(value):
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ReconciliationFileInvalid(_("Ngày không hợp lệ (YYYY-MM-DD).")) from exc
