"""Digital signatures of results: signing at approval, recording an uploaded signed PDF, revoking a
sandbox certificate, and auditing public verifications (dossiers/signing.py does the cryptography)."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import lifecycle, signing
from dossiers.models import (
    DocumentSignature,
    DocumentSource,
    SignatureVerification,
    SigningCertificate,
)

__all__ = ["dossier_sign_results", "document_signature_record_upload", "signing_certificate_revoke",
           "signature_verification_record", "verification_url", "is_pdf"]


def is_pdf(document):
    return document.content_type == "application/pdf" or document.original_name.lower().endswith(".pdf")


def verification_url(verification_id):
    return settings.SITE_URL + reverse("signature_verify", kwargs={"verification_id": verification_id})


def dossier_sign_results(*, dossier, actor, now=None):
    """Sign each unsigned PDF result of `dossier` with its agency's certificate, as `actor` (the leader
    approving). Called inside the approval's transaction: a refusal (SigningRefused) rolls it back.

    A result uploaded already signed keeps its signature (it has a DocumentSignature of origin
    "uploaded"); images are not signable as PAdES and stay as they are. Returns the new signatures.
    """
    now = now or timezone.now()
    agency = dossier.handling_agency
    pending = [d for d in dossier.documents.filter(source=DocumentSource.RESULT, signature__isnull=True)
               .exclude(file="") if is_pdf(d)]
    if not pending:
        return []
    backend = signing.signer()
    cert = backend.certificate(agency)
    row = signing.register_certificate(agency, cert)
    if refusal := signing.certificate_refusal(cert, row.revoked_at, now):
        raise signing.SigningRefused(refusal)
    signer_name = actor.full_name or actor.get_username()
    created = []
    for document in pending:
        record = DocumentSignature(document=document, origin=DocumentSignature.Origin.SIGNED_HERE,
                                   certificate=row, signer=actor, signer_name=signer_name, signed_at=now)
        with document.file.open("rb") as handle:
            original = handle.read()
        try:
            signed = backend.sign(pdf=original, agency=agency, signer_name=signer_name,
                                  url=verification_url(record.verification_id), when=now)
        except signing.SigningRefused:
            raise
        except Exception as exc:  # noqa: BLE001 - a PDF pyHanko cannot sign is the officer's to fix, never a 500
            raise signing.SigningRefused(_("Không ký số được tệp kết quả “%(name)s”: tệp PDF không hợp lệ. Hãy "
                                           "tải lên lại kết quả.") % {"name": document.name}) from exc
        checked = signing.validate(signed)
        original_sha256 = document.sha256
        document.file.save(document.original_name or "ket-qua.pdf", ContentFile(signed), save=False)
        document.sha256, document.size = checked.sha256, len(signed)
        document.save(update_fields=["file", "sha256", "size"])
        record.sha256, record.signature_digest = checked.sha256, checked.signature_digest
        record.validation = checked.as_dict()
        record.save()
        lifecycle.record(dossier=dossier, action=lifecycle.Recorded.SIGN_RESULT, actor=actor, data={
            "document": document.pk, "sha256_before": original_sha256, "sha256": checked.sha256,
            "certificate": row.fingerprint, "verification_id": record.verification_id})
        created.append(record)
    return created


def document_signature_record_upload(*, document, data, actor):
    """An uploaded result that already carries a signature: keep it as it is, validate it and record the
    validation (None when the PDF has no signature). The caller audits the upload with the outcome."""
    checked = signing.validate(data)
    if not checked.signed:
        return None
    row = SigningCertificate.objects.filter(fingerprint=checked.fingerprint).first()
    return DocumentSignature.objects.create(
        document=document, origin=DocumentSignature.Origin.UPLOADED, certificate=row, signer=None,
        signer_name=checked.signer_subject[:255], signed_at=timezone.now(), sha256=checked.sha256,
        signature_digest=checked.signature_digest, validation=checked.as_dict())


@transaction.atomic
def signing_certificate_revoke(*, certificate, when=None):
    """Record the CA's revocation of an agency certificate (the sandbox CA's revocation list)."""
    certificate = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is None:
        certificate.revoked_at = when or timezone.now()
        certificate.save(update_fields=["revoked_at"])
    return certificate


def signature_verification_record(*, signature, verdict, sha256="", uploaded=False, channel="web", ip_address=None):
    """Audit one public verification: the record found (if any), the verdict, the file's hash."""
    return SignatureVerification.objects.create(signature=signature, verdict=verdict, sha256=sha256,
                                                uploaded=uploaded, channel=channel, ip_address=ip_address or None)

