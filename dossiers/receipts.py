"""Electronic fee receipts (biên lai điện tử; issue 18 item 4): issued once per settled payment,
numbered per year, signed with the collecting agency's certificate like a result, kept in the citizen's
wallet (kho dữ liệu) and verifiable at /xac-thuc/<id>/.

Beside dossiers.services rather than in it: issuing renders the PDF (dossiers.printing), and printing
reads the services' due-date explanation, so a service here would close an import circle.

The receipt carries what a fee receipt states: its number and symbol, the collecting agency, the payer,
the fee and its amount, the payment's date and the bank's transaction. The components of an e-receipt
(Decree 123/2020/NĐ-CP on invoices and documents) were not found in the reference search here; the list
follows the fields MotCua already printed on the payment page.
"""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from dossiers import printing, signing
from dossiers.models import DocumentSignature, Payment, PaymentReceipt
from dossiers.services.desk import file_access_record
from dossiers.services.signing import verification_url

__all__ = ["payment_receipt_issue", "payment_receipt_access_record", "PAYMENT_RECEIPT_LOCK"]

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the yearly receipt counter (one number per receipt, no gaps).
PAYMENT_RECEIPT_LOCK = 0x4D43_5243  # "MCRC"


def _next_seq(year):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [PAYMENT_RECEIPT_LOCK, year])
    return (PaymentReceipt.objects.filter(year=year).aggregate(m=Max("seq"))["m"] or 0) + 1


def payment_receipt_issue(*, payment, now=None):
    """The receipt of a settled `payment`, made the first time it is asked for (idempotent: two workers,
    or the task and the citizen's click, get the same receipt). Raises signing.SigningRefused when the
    agency's certificate may not sign (revoked, expired): nothing is written and the task retries."""
    with transaction.atomic():
        payment = (Payment.objects.select_for_update(of=("self",))
                   .select_related("dossier__procedure", "dossier__handling_agency").get(pk=payment.pk))
        existing = PaymentReceipt.objects.filter(payment=payment).first()
        if existing is not None:
            return existing
        if payment.paid_at is None:
            raise ValueError(f"payment {payment.order_id} is not settled: no receipt")
        now = now or timezone.now()
        year = timezone.localtime(now).year
        seq = _next_seq(year)
        receipt = PaymentReceipt(payment=payment, year=year, seq=seq, issued_at=now,
                                 number=f"{settings.PAYMENT_RECEIPT_SYMBOL}{year % 100:02d}-{seq:07d}")
        dossier, agency = payment.dossier, payment.dossier.handling_agency
        record = DocumentSignature(origin=DocumentSignature.Origin.SIGNED_HERE, signer_name=agency.name,
                                   signed_at=now)
        url = verification_url(record.verification_id)
        pdf = printing.render_html_pdf("print/payment_receipt.html", {
            "payment": payment, "dossier": dossier, "agency": agency, "receipt": receipt,
            "verify_url": url, "lookup_url": printing.lookup_url(dossier)}, name=f"receipt {payment.order_id}")
        try:
            backend = signing.signer()
        except ImproperlyConfigured:
            backend = None  # no signer configured (production without a CA yet): the receipt stays unsigned
            logger.warning("receipt %s issued unsigned: no signer configured", receipt.number)
        if backend is not None:
            cert = backend.certificate(agency)
            row = signing.register_certificate(agency, cert)
            if refusal := signing.certificate_refusal(cert, row.revoked_at, now):
                raise signing.SigningRefused(refusal)
            pdf = backend.sign(pdf=pdf, agency=agency, signer_name=agency.name, url=url, when=now)
        checked = signing.validate(pdf)
        receipt.sha256, receipt.size = checked.sha256, len(pdf)
        receipt.file.save(f"bien-lai-{receipt.number}.pdf", ContentFile(pdf), save=False)
        receipt.save()
        if backend is not None:
            record.receipt, record.certificate = receipt, row
            record.sha256, record.signature_digest, record.validation = (
                checked.sha256, checked.signature_digest, checked.as_dict())
            record.save()
        return receipt


def payment_receipt_access_record(*, receipt, actor):
    """Audit an official opening a citizen's receipt (it names the payer), as for the dossier's files
    (services.file_access_record); the payer's own download is not recorded."""
    return file_access_record(dossier=receipt.payment.dossier, actor=actor, comment=receipt.number,
                              data={"receipt": receipt.number, "sha256": receipt.sha256, "inline": False})
