"""The electronic fee receipt (issue 18 item 4): issued once per settled payment, numbered per year,
signed with the agency's certificate, kept unchanged, in the citizen's wallet and verifiable at /xac-thuc/."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dossiers import lifecycle, payments, receipts, services, signing, tasks
from dossiers.models import DossierEvent, Payment, PaymentReceipt, SigningCertificate
from tests import factories
from tests.dossiers.citizen_helpers import private_media, submitted_dossier  # noqa: F401

pytestmark = pytest.mark.usefixtures("private_media")


@pytest.fixture(autouse=True)
def sandbox_ca(settings, tmp_path_factory):
    settings.SIGNING_SANDBOX_DIR = str(tmp_path_factory.getbasetemp() / "receipt-ca")
    settings.SIGNING_TRUST_ROOTS = []
    return signing.SandboxSigner()


def paid(citizen, agency):
    dossier = submitted_dossier(citizen, procedure=factories.ProcedureFactory(agencies=[agency], with_fees=50_000))
    payment, _url = services.payment_start(dossier=dossier, actor=citizen)
    return services.payment_confirm(params=payments.SandboxProvider().notification(
        payment, success=True, reference="BANK-1"))


def download(client, payment):
    response = client.get(reverse("payment_receipt_pdf", args=[payment.order_id]))
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_a_receipt_is_issued_once_numbered_per_year_and_never_changes(client, citizen, agency, settings):
    settings.PAYMENT_RECEIPT_SYMBOL = "BL"
    first, second = paid(citizen, agency), paid(citizen, agency)
    receipt = receipts.payment_receipt_issue(payment=first)
    assert receipts.payment_receipt_issue(payment=first).pk == receipt.pk  # idempotent
    year = timezone.localdate().year % 100
    assert receipt.number == f"BL{year:02d}-0000001"
    assert receipts.payment_receipt_issue(payment=second).number == f"BL{year:02d}-0000002"
    client.force_login(citizen)
    data = download(client, first)
    assert data == download(client, first)  # the stored file, not a new rendering each time
    assert PaymentReceipt.objects.filter(payment=first).count() == 1
    checked = signing.validate(data)
    assert checked.ok and checked.sha256 == receipt.sha256
    assert receipt.signature.certificate.agency == agency


@pytest.mark.django_db
def test_the_receipt_is_verifiable_and_one_changed_byte_is_caught(client, citizen, agency):
    receipt = receipts.payment_receipt_issue(payment=paid(citizen, agency))
    response = client.get(reverse("signature_verify", args=[receipt.signature.verification_id]))
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["check"].verdict == "valid", response.context["check"].as_dict()
    assert "Hợp lệ" in page and receipt.number in page and citizen.full_name not in page
    with receipt.file.open("rb") as handle:
        data = bytearray(handle.read())
    at = data.index(b"/MediaBox")
    data[at + 12] = ord("7") if data[at + 12] != ord("7") else ord("8")
    api = client.post(reverse("api_verification_upload"), {"file": _upload(bytes(data))})
    assert api.status_code == 200 and api.json()["verdict"] == "tampered"


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("bien-lai.pdf", data, content_type="application/pdf")


@pytest.mark.django_db
def test_the_receipt_is_in_the_payers_wallet_only(client, citizen, other_citizen, agency):
    payment = paid(citizen, agency)
    receipt = receipts.payment_receipt_issue(payment=payment)
    client.force_login(citizen)
    page = client.get(reverse("wallet")).content.decode()
    assert receipt.number in page and reverse("payment_receipt_pdf", args=[payment.order_id]) in page
    client.force_login(other_citizen)
    assert receipt.number not in client.get(reverse("wallet")).content.decode()
    assert client.get(reverse("payment_receipt_pdf", args=[payment.order_id])).status_code == 404


@pytest.mark.django_db
def test_an_officer_opening_a_receipt_is_audited_the_payer_is_not(client, citizen, agency):
    payment = paid(citizen, agency)
    client.force_login(citizen)
    download(client, payment)
    officer = factories.officer(agency, "desk_officer")
    client.force_login(officer)
    download(client, payment)
    events = DossierEvent.objects.filter(dossier=payment.dossier, action=lifecycle.Recorded.DOWNLOAD)
    assert [(e.actor, e.data["receipt"]) for e in events] == [(officer, payment.receipt.number)]


@pytest.mark.django_db
def test_a_revoked_certificate_issues_no_receipt_and_says_so(client, citizen, agency, sandbox_ca):
    payment = paid(citizen, agency)
    row = signing.register_certificate(agency, sandbox_ca.certificate(agency))
    services.signing_certificate_revoke(certificate=SigningCertificate.objects.get(pk=row.pk))
    client.force_login(citizen)
    response = client.get(reverse("payment_receipt_pdf", args=[payment.order_id]))
    assert response.status_code == 503 and "thu hồi" in response.content.decode()
    assert not PaymentReceipt.objects.filter(payment=payment).exists()
    payment.refresh_from_db()
    assert payment.state == Payment.State.PAID  # the money is recorded; only the receipt waits


@pytest.mark.django_db
def test_the_worker_task_issues_the_receipt(citizen, agency):
    payment = paid(citizen, agency)
    number = tasks.issue_payment_receipt.apply(args=[payment.pk]).get()
    assert PaymentReceipt.objects.get(payment=payment).number == number


def test_the_task_and_a_click_at_once_make_one_receipt(transactional_db, citizen, agency):
    payment = paid(citizen, agency)
    count, barrier, numbers, failures = 4, threading.Barrier(4), [], []

    def issue():
        try:
            barrier.wait(timeout=30)
            numbers.append(receipts.payment_receipt_issue(payment=payment).number)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == [] and len(numbers) == count and len(set(numbers)) == 1
    assert PaymentReceipt.objects.filter(payment=payment).count() == 1
