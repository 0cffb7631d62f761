"""Settling payments after the fact (issue 18 item 4): refunds, expired payments, the electronic receipt
PDF and the import of the provider's daily reconciliation file."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from dossiers import lifecycle, payments, services
from dossiers.models import Payment, PaymentReconciliation
from dossiers.services.payment_settle import ReconciliationFileInvalid, RefundNotAllowed
from tests import factories
from tests.dossiers.citizen_helpers import private_media, submitted_dossier  # noqa: F401

pytestmark = [pytest.mark.usefixtures("private_media"), pytest.mark.django_db]


@pytest.fixture
def fee_dossier(citizen, agency):
    procedure = factories.ProcedureFactory(agencies=[agency], with_fees=50_000)
    return submitted_dossier(citizen, procedure=procedure)


def settle(payment, reference="BANK"):
    return services.payment_confirm(params=payments.SandboxProvider().notification(
        payment, success=True, reference=reference))


def _refund_due(dossier):
    """Paid twice: the second payment is owed back (issue 20 item 4)."""
    first, _url = services.payment_start(dossier=dossier, actor=dossier.applicant)
    settle(first, "B1")
    second = Payment.objects.create(dossier=dossier, provider="sandbox", order_id=uuid.uuid4().hex,
                                    amount=dossier.fee_amount)
    return settle(second, "B2")


def test_a_payment_owed_back_is_refunded_once_and_audited(fee_dossier, monitor):
    payment = _refund_due(fee_dossier)
    assert payment.state == Payment.State.REFUND_DUE
    refunded = services.payment_refund(payment=payment, actor=monitor)
    again = services.payment_refund(payment=payment, actor=monitor)
    assert refunded.state == again.state == Payment.State.REFUNDED
    assert refunded.refund_reference == again.refund_reference and refunded.refunded_at
    assert fee_dossier.events.filter(action=lifecycle.Recorded.REFUNDED).count() == 1


def test_a_paid_fee_is_not_refunded_and_a_citizen_may_not_refund(fee_dossier, monitor):
    payment, _url = services.payment_start(dossier=fee_dossier, actor=fee_dossier.applicant)
    paid = settle(payment)
    with pytest.raises(RefundNotAllowed):
        services.payment_refund(payment=paid, actor=monitor)
    owed = _refund_due(submitted_dossier(fee_dossier.applicant, procedure=fee_dossier.procedure))
    with pytest.raises(PermissionDenied):
        services.payment_refund(payment=owed, actor=fee_dossier.applicant)


def test_a_refused_refund_leaves_the_payment_owed(fee_dossier, monitor):
    class Refusing(payments.SandboxProvider):
        def refund(self, payment):
            raise payments.RefundFailed("tài khoản nhận không hợp lệ")

    payment = _refund_due(fee_dossier)
    with pytest.raises(RefundNotAllowed):
        services.payment_refund(payment=payment, actor=monitor, provider=Refusing())
    payment.refresh_from_db()
    assert payment.state == Payment.State.REFUND_DUE


def test_a_pending_payment_expires_is_not_offered_again_and_a_late_success_still_counts(fee_dossier, settings):
    settings.PAYMENT_EXPIRY_MINUTES = 15
    old, _url = services.payment_start(dossier=fee_dossier, actor=fee_dossier.applicant)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert services.payments_expire() == 1
        assert services.payments_expire() == 0
        fresh, _url = services.payment_start(dossier=fee_dossier, actor=fee_dossier.applicant)
    old.refresh_from_db()
    assert old.state == Payment.State.EXPIRED and fresh.pk != old.pk
    late = settle(old, "LATE")  # the bank took the money after all
    assert late.state == Payment.State.PAID
    fee_dossier.refresh_from_db()
    assert fee_dossier.fee_paid_at is not None


def test_the_electronic_receipt_is_a_pdf_for_a_settled_payment_only(client, fee_dossier, other_citizen):
    payment, _url = services.payment_start(dossier=fee_dossier, actor=fee_dossier.applicant)
    url = reverse("payment_receipt_pdf", args=[payment.order_id])
    client.force_login(fee_dossier.applicant)
    assert client.get(url).status_code == 404  # not paid yet
    settle(payment)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(other_citizen)
    assert client.get(url).status_code == 404


def _file(*rows):
    lines = ["order_id,reference,amount,status,time"] + [",".join(map(str, row)) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_the_reconciliation_file_lists_every_kind_of_mismatch(fee_dossier, citizen, agency, monitor):
    today = timezone.localdate()
    now = timezone.now().isoformat()
    paid, _url = services.payment_start(dossier=fee_dossier, actor=citizen)
    settle(paid)
    other = submitted_dossier(citizen, procedure=fee_dossier.procedure)
    unpaid, _url = services.payment_start(dossier=other, actor=citizen)  # the bank says it took this one
    third = submitted_dossier(citizen, procedure=fee_dossier.procedure)
    missing, _url = services.payment_start(dossier=third, actor=citizen)
    settle(missing)  # MotCua counts it; the bank's file lacks it
    fourth = submitted_dossier(citizen, procedure=fee_dossier.procedure)
    wrong, _url = services.payment_start(dossier=fourth, actor=citizen)
    settle(wrong)
    content = _file((paid.order_id, "BANK", 50_000, "success", now), (unpaid.order_id, "X1", 50_000, "success", now),
                    (wrong.order_id, "X2", 5_000, "success", now), ("khong-co", "X3", 10_000, "success", now))
    row = services.payment_reconciliation_import(content=content, day=today, actor=monitor)
    kinds = sorted((m["kind"], m["order_id"]) for m in row.mismatches)
    assert kinds == sorted([("paid_at_bank_only", unpaid.order_id), ("amount", wrong.order_id),
                            ("unknown_order", "khong-co"), ("paid_here_only", missing.order_id)])
    with pytest.raises(ReconciliationFileInvalid):
        services.payment_reconciliation_import(content=content, day=today)  # the same file twice
    settled = services.payment_reconciliation_settle(reconciliation=row, actor=monitor, note="Đã liên hệ ngân hàng")
    assert settled.settled_by == monitor and PaymentReconciliation.objects.count() == 1


@pytest.mark.parametrize("content", [b"a,b\n1,2\n", _file(("x", "r", "nhieu", "success", "2026-12-07T10:00:00")),
                                     _file(("x", "r", 1, "paid?", "2026-12-07T10:00:00")), b"\xff\xfe"])
def test_a_malformed_reconciliation_file_is_refused_with_a_message(content):
    with pytest.raises(ReconciliationFileInvalid) as error:
        services.payment_reconciliation_import(content=content, day=dt.date(2026, 12, 7), provider_name="sandbox")
    assert str(error.value.message)


def test_fees_go_to_the_handling_agencys_merchant_account_and_files_are_per_merchant(fee_dossier, agency, settings,
                                                                                   monitor):
    from dossiers.models import MerchantAccount

    settings.PAYMENT_DEFAULT_MERCHANT = "TINH-42"
    first, _url = services.payment_start(dossier=fee_dossier, actor=fee_dossier.applicant)
    assert first.merchant_code == "TINH-42"  # no account of its own yet
    settle(first)
    MerchantAccount.objects.create(agency=agency, provider="sandbox", merchant_code="STP-42", account_name="Sở Tư pháp",
                                   bank_account="0123456789", bank_name="Vietcombank")
    other = submitted_dossier(fee_dossier.applicant, procedure=fee_dossier.procedure)
    second, _url = services.payment_start(dossier=other, actor=fee_dossier.applicant)
    assert second.merchant_code == "STP-42"
    settle(second)
    # The agency's file lists its payment only: the province-wide one is not "missing" from it.
    row = services.payment_reconciliation_import(
        content=_file((second.order_id, "BANK", 50_000, "success", timezone.now().isoformat())),
        day=timezone.localdate(), merchant_code="STP-42", actor=monitor)
    assert row.mismatches == [] and row.merchant_code == "STP-42"
