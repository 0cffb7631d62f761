"""A fee is collected once and only as the amount it was started for (issue 20 items 4 and 5)."""

import threading
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from dossiers import lifecycle, payments, services
from dossiers.models import DossierEvent, Payment, Status
from tests import factories
from tests.dossiers.citizen_helpers import desk_receive, private_media, submitted_dossier  # noqa: F401

pytestmark = pytest.mark.usefixtures("private_media")
REFUND = lifecycle.Recorded.REFUND_DUE


@pytest.fixture
def fee_dossier(citizen, agency):
    procedure = factories.ProcedureFactory(agencies=[agency], with_fees=50_000)
    return submitted_dossier(citizen, procedure=procedure)


def settle(payment, reference="BANK"):
    return services.payment_confirm(params=payments.SandboxProvider().notification(
        payment, success=True, reference=reference))


def second_pending(dossier):
    """A pending payment of the fee opened before the first one settled (another tab, or old data)."""
    return Payment.objects.create(dossier=dossier, provider="sandbox", order_id=uuid.uuid4().hex,
                                  amount=dossier.fee_amount)


@pytest.mark.django_db
def test_a_second_pay_click_reuses_the_pending_payment(client, citizen, fee_dossier):
    client.force_login(citizen)
    first = client.post(reverse("dossier_pay", args=[fee_dossier.public_id]))
    second = client.post(reverse("dossier_pay", args=[fee_dossier.public_id]))
    payment = Payment.objects.get(dossier=fee_dossier)
    assert first["Location"] == second["Location"] == reverse("payment_sandbox", args=[payment.order_id])
    assert payment.state == Payment.State.PENDING and payment.amount == 50_000


@pytest.mark.django_db(transaction=True)
def test_simultaneous_pay_clicks_open_one_payment(citizen, agency):
    dossier = submitted_dossier(citizen, procedure=factories.ProcedureFactory(agencies=[agency], with_fees=50_000))
    count = 6
    barrier = threading.Barrier(count)
    order_ids, failures = [], []

    def pay():
        try:
            barrier.wait(timeout=30)
            payment, _url = services.payment_start(dossier=dossier, actor=citizen)
            order_ids.append(payment.order_id)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert len(order_ids) == count and len(set(order_ids)) == 1
    assert Payment.objects.filter(dossier=dossier).count() == 1


@pytest.mark.django_db
def test_a_second_settlement_is_refused_and_flagged_for_refund(citizen, fee_dossier):
    settle(services.payment_start(dossier=fee_dossier, actor=citizen)[0], "BANK-1")
    late = second_pending(fee_dossier)
    fee_dossier.refresh_from_db()
    paid_at = fee_dossier.fee_paid_at
    settle(late, "BANK-2")
    late.refresh_from_db()
    fee_dossier.refresh_from_db()
    assert late.state == Payment.State.REFUND_DUE and late.refund_reason == Payment.RefundReason.ALREADY_PAID
    assert fee_dossier.fee_paid_at == paid_at
    assert DossierEvent.objects.filter(dossier=fee_dossier, action=lifecycle.Action.PAY).count() == 1
    event = DossierEvent.objects.get(dossier=fee_dossier, action=REFUND)
    assert event.actor is None
    assert event.data == {"order_id": late.order_id, "amount": 50_000, "reference": "BANK-2",
                          "reason": "already_paid", "fee_amount": 50_000}


@pytest.mark.django_db
def test_a_bank_payment_after_the_fee_was_paid_at_the_counter_is_flagged_for_refund(citizen, fee_dossier):
    payment, _url = services.payment_start(dossier=fee_dossier, actor=citizen)
    dossier, officer = desk_receive(fee_dossier)
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.ASSIGN, actor=officer)
    dossier = services.dossier_request_payment(dossier=dossier, actor=officer, amount=50_000)
    services.dossier_record_payment(dossier=dossier, actor=officer)
    settle(payment)
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.state == Payment.State.REFUND_DUE and not dossier.fee_paid_online


@pytest.mark.django_db
def test_staff_see_the_refund_on_the_desk_page_and_in_the_admin(client, admin_client, citizen, fee_dossier):
    settle(services.payment_start(dossier=fee_dossier, actor=citizen)[0])
    late = second_pending(fee_dossier)
    settle(late)
    dossier, officer = desk_receive(fee_dossier)
    client.force_login(officer)
    page = client.get(reverse("desk:dossier", args=[dossier.code])).content.decode()
    assert "Cần hoàn tiền" in page and late.order_id in page
    assert "Thanh toán cần hoàn tiền" in page  # the refund event in the timeline has its label
    listing = admin_client.get(reverse("admin:dossiers_payment_changelist"), {"state__exact": "refund_due"})
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [late]
    assert "?state__exact=refund_due" in listing.content.decode()  # the filter is offered


@pytest.mark.django_db
def test_a_payment_started_for_an_older_fee_does_not_settle_the_new_fee(client, citizen, fee_dossier):
    payment, _url = services.payment_start(dossier=fee_dossier, actor=citizen)
    dossier, officer = desk_receive(fee_dossier)
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.ASSIGN, actor=officer)
    dossier = services.dossier_request_payment(dossier=dossier, actor=officer, amount=80_000)
    settle(payment)
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.state == Payment.State.REFUND_DUE and payment.refund_reason == Payment.RefundReason.FEE_CHANGED
    assert dossier.fee_paid_at is None and dossier.status == Status.AWAITING_PAYMENT
    assert not DossierEvent.objects.filter(dossier=dossier, action=lifecycle.Action.PAY).exists()
    assert DossierEvent.objects.get(dossier=dossier, action=REFUND).data["fee_amount"] == 80_000
    client.force_login(citizen)
    page = client.get(reverse("dossier_detail", args=[dossier.public_id])).content.decode()
    assert "không khớp với mức phí hiện tại" in page and "80.000 đ" in page
    assert reverse("dossier_pay", args=[dossier.public_id]) in page  # the current fee can be paid
    current, _url = services.payment_start(dossier=dossier, actor=citizen)
    assert current.amount == 80_000 and current.pk != payment.pk
    settle(current)
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None and dossier.status == Status.PROCESSING


@pytest.mark.django_db
def test_the_same_refused_callback_twice_records_one_refund(client, citizen, fee_dossier):
    settle(services.payment_start(dossier=fee_dossier, actor=citizen)[0])
    late = second_pending(fee_dossier)
    params = payments.SandboxProvider().notification(late, success=True, reference="BANK-2")
    for _ in range(2):
        response = client.post(reverse("payment_callback"), params)
        assert response.status_code == 200 and "refund_due" in response.content.decode()
    assert DossierEvent.objects.filter(dossier=fee_dossier, action=REFUND).count() == 1
    assert DossierEvent.objects.filter(dossier=fee_dossier, action=lifecycle.Action.PAY).count() == 1
    client.force_login(citizen)
    page = client.get(reverse("dossier_detail", args=[fee_dossier.public_id])).content.decode()
    assert late.order_id in page and "sẽ được hoàn lại" in page


@pytest.mark.django_db
def test_a_bank_success_after_a_cancel_is_not_dropped(client, citizen, fee_dossier):
    """The browser's return may say "cancelled" while the bank's callback later says paid."""
    payment, _url = services.payment_start(dossier=fee_dossier, actor=citizen)
    provider = payments.SandboxProvider()
    services.payment_confirm(params=provider.notification(payment, success=False, reference="B"))
    settle(payment)
    payment.refresh_from_db()
    fee_dossier.refresh_from_db()
    assert payment.state == Payment.State.PAID and fee_dossier.fee_paid_at is not None


@pytest.mark.django_db
def test_the_database_refuses_a_second_pending_payment_of_the_same_fee(citizen, fee_dossier):
    services.payment_start(dossier=fee_dossier, actor=citizen)
    with pytest.raises(IntegrityError), transaction.atomic():
        second_pending(fee_dossier)
