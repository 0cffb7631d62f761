"""Fee payment: sandbox bank, signed callbacks, idempotency, refusal of bad signatures."""

import logging

import pytest
from django.urls import reverse

from dossiers import lifecycle, payments, services
from dossiers.models import DossierEvent, Payment, Status
from tests import factories
from tests.dossiers.citizen_helpers import desk_receive, private_media, submitted_dossier  # noqa: F401
from tests.permissions import assert_permission_matrix

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


@pytest.fixture
def fee_dossier(citizen, agency):
    procedure = factories.ProcedureFactory(agencies=[agency], with_fees=50_000)
    return submitted_dossier(citizen, procedure=procedure)


def test_fee_is_due_up_front_and_the_sandbox_bank_pays_it(client, citizen, fee_dossier):
    assert fee_dossier.fee_amount == 50_000
    client.force_login(citizen)
    response = client.post(reverse("dossier_pay", args=[fee_dossier.public_id]))
    payment = Payment.objects.get(dossier=fee_dossier)
    assert response["Location"] == reverse("payment_sandbox", args=[payment.order_id])
    bank = client.get(response["Location"])
    assert "50.000 đ" in bank.content.decode()
    back = client.post(response["Location"], {"result": "pay"})
    receipt = client.get(back["Location"], follow=True)
    assert receipt.status_code == 200 and "Biên lai nộp phí, lệ phí" in receipt.content.decode()
    payment.refresh_from_db()
    fee_dossier.refresh_from_db()
    assert payment.state == Payment.State.PAID and payment.reference
    assert fee_dossier.fee_paid_online and fee_dossier.fee_paid_at is not None
    assert fee_dossier.status == Status.SUBMITTED


def test_the_same_notification_twice_records_one_payment_and_one_event(client, citizen, fee_dossier):
    payment, _url = services.payment_start(dossier=fee_dossier, actor=citizen)
    params = payments.SandboxProvider().notification(payment, success=True, reference="BANK-1")
    for _ in range(2):
        response = client.post(reverse("payment_callback"), params)
        assert response.status_code == 200
    assert Payment.objects.filter(dossier=fee_dossier, state=Payment.State.PAID).count() == 1
    assert DossierEvent.objects.filter(dossier=fee_dossier, action=lifecycle.Action.PAY).count() == 1


def test_a_bad_signature_is_refused_and_logged(client, citizen, fee_dossier, caplog):
    payment, _url = services.payment_start(dossier=fee_dossier, actor=citizen)
    params = payments.SandboxProvider().notification(payment, success=True, reference="BANK-1")
    params["amount"] = "1"  # altered after signing
    with caplog.at_level(logging.WARNING, logger="dossiers.services.citizen"):
        response = client.post(reverse("payment_callback"), params)
    assert response.status_code == 400
    assert "invalid signature" in caplog.text
    forged = {**params, "amount": str(payment.amount), "signature": "0" * 64}
    assert client.post(reverse("payment_callback"), forged).status_code == 400
    assert client.get(reverse("payment_return"), forged).status_code == 400
    payment.refresh_from_db()
    assert payment.state == Payment.State.PENDING
    fee_dossier.refresh_from_db()
    assert fee_dossier.fee_paid_at is None


def test_a_cancelled_payment_leaves_the_fee_unpaid(client, citizen, fee_dossier):
    payment, url = services.payment_start(dossier=fee_dossier, actor=citizen)
    client.force_login(citizen)
    client.post(url, {"result": "cancel"}, follow=True)
    payment.refresh_from_db()
    fee_dossier.refresh_from_db()
    assert payment.state == Payment.State.FAILED and fee_dossier.fee_paid_at is None


def test_a_verified_payment_moves_a_dossier_awaiting_payment_on(citizen, fee_dossier):
    dossier, officer = desk_receive(fee_dossier)
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.ASSIGN, actor=officer)
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.REQUEST_PAYMENT, actor=officer)
    payment, _url = services.payment_start(dossier=dossier, actor=citizen)
    services.payment_confirm(params=payments.SandboxProvider().notification(payment, success=True, reference="B2"))
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.fee_paid_online
    event = DossierEvent.objects.get(dossier=dossier, action=lifecycle.Action.PAY)
    assert event.actor is None and event.to_status == Status.PROCESSING


def test_paying_twice_is_refused(citizen, fee_dossier):
    payment, _url = services.payment_start(dossier=fee_dossier, actor=citizen)
    services.payment_confirm(params=payments.SandboxProvider().notification(payment, success=True, reference="B3"))
    with pytest.raises(services.PaymentRefused):
        services.payment_start(dossier=fee_dossier, actor=citizen)


def test_payment_pages_follow_the_permission_matrix(client, citizen, other_citizen, fee_dossier):
    payment, _url = services.payment_start(dossier=fee_dossier, actor=citizen)
    assert_permission_matrix(client, "get", reverse("payment_receipt", args=[payment.order_id]),
                             outsiders=[other_citizen], insiders=[citizen])
    assert_permission_matrix(client, "post", reverse("dossier_pay", args=[fee_dossier.public_id]),
                             outsiders=[other_citizen], insiders=[citizen], ok_statuses=(302,))
