"""Digital signatures of results: PAdES signing (pyHanko) behind a signer interface, and validation.

    signer().sign(pdf=..., agency=..., signer_name=..., url=..., when=...) -> signed PDF bytes
    validate(data) -> Validation (intact, trusted, sha256, the signing certificate's fingerprint)

`SIGNER_BACKEND` names the implementation. `SandboxSigner` is a test certificate authority made with
`cryptography` (one root, one certificate per agency, created on demand and by `seed_demo`), whose keys
are PKCS#12 files under `SIGNING_SANDBOX_DIR`; revocations are recorded in `SigningCertificate`. A real
CA's certificate in a PKCS#12 file, a remote signing service or an HSM (PKCS#11) is another subclass of
`Signer` (docs/signing.md). With DEBUG off the sandbox needs ALLOW_SANDBOX=1 (dossiers/checks.py).
"""

import datetime
import hashlib
import io
import logging
import os
import re
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from dossiers.lifecycle import LifecycleError
from portal.fonts import pdf_font_path

# fontTools logs every table it subsets at INFO: a dozen lines per signature.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FIELD_NAME = "MotCuaKetQua"
# Stamp in the bottom-left corner of the last page, in points (A4 is 595 x 842).
STAMP_BOX = (36, 24, 336, 112)
# The sandbox CA's certificates start here (see SandboxSigner.issue).
SANDBOX_EPOCH = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


class SigningRefused(LifecycleError):
    """The agency's certificate may not sign (revoked, expired, missing): 400, the approval does not happen."""


def fingerprint(cert):
    return cert.fingerprint(hashes.SHA256()).hex()


def certificate_refusal(cert, revoked_at, now):
    """Why `cert` may not sign at `now`, or None."""
    if revoked_at is not None and revoked_at <= now:
        return _("Chứng thư số của cơ quan đã bị thu hồi ngày %(day)s: không thể ký số kết quả. Hãy đề nghị "
                 "tổ chức cung cấp dịch vụ chứng thực cấp chứng thư số mới.") % {
            "day": timezone.localtime(revoked_at).strftime("%d/%m/%Y")}
    if cert.not_valid_after_utc <= now:
        return _("Chứng thư số của cơ quan đã hết hạn ngày %(day)s: không thể ký số kết quả. Hãy gia hạn "
                 "chứng thư số.") % {"day": timezone.localtime(cert.not_valid_after_utc).strftime("%d/%m/%Y")}
    if cert.not_valid_before_utc > now:
        return _("Chứng thư số của cơ quan chưa có hiệu lực: không thể ký số kết quả.")
    return None


class Signer:
    """The interface: an agency's certificate, signing with its key, the trust roots to validate against."""

    def certificate(self, agency):
        """(cryptography certificate, key material the implementation understands) for `agency`."""
        raise NotImplementedError

    def trust_roots(self):
        """Certificates (cryptography) a result's chain must end in, besides SIGNING_TRUST_ROOTS."""
        return []

    def pyhanko_signer(self, agency):
        raise NotImplementedError

    def timestamper(self):
        """The RFC 3161 time-stamping authority whose token goes into every signature (PAdES B-T), so the
        signing time rests on the authority's clock, not ours: `SIGNING_TSA_URL` (the CA's TSA over HTTP),
        else none. The sandbox has its own."""
        if settings.SIGNING_TSA_URL:
            from pyhanko.sign.timestamps import HTTPTimeStamper

            return HTTPTimeStamper(settings.SIGNING_TSA_URL, timeout=10)
        return None

    def revocation_lists(self):
        """Certificate revocation lists (DER bytes) the validator checks the signer's certificate against
        at the signing time. A real CA's CRLs are fetched by its distribution points when
        `SIGNING_FETCH_REVOCATION` is on; the sandbox CA makes its own from SigningCertificate.revoked_at."""
        return []

    def sign(self, *, pdf, agency, signer_name, url, when):
        """PAdES signature with a visible stamp (agency, signer, time) and a QR code to `url`."""
        # pyHanko is imported where used: dossiers.checks imports this module at every start-up.
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.text import TextBoxStyle
        from pyhanko.sign import fields, signers
        from pyhanko.stamp import QRStampStyle

        font = pdf_font_path()
        text_style = TextBoxStyle(font=_font_factory(font), font_size=7) if font else TextBoxStyle(font_size=7)
        style = QRStampStyle(
            stamp_text=(_("Ký số bởi: %(agency)s") + "\n" + _("Người ký: %(signer)s") + "\n"
                        + _("Thời gian ký: %(time)s") + "\n" + _("Xác thực tại: %(url)s")),
            text_box_style=text_style, border_width=1)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES, name=signer_name,
            reason=_("Phê duyệt kết quả giải quyết thủ tục hành chính"), location=agency.name)
        spec = fields.SigFieldSpec(FIELD_NAME, on_page=-1, box=STAMP_BOX)
        params = {"url": url, "agency": agency.name, "signer": signer_name,
                  "time": timezone.localtime(when).strftime("%H:%M %d/%m/%Y")}
        out = signers.PdfSigner(meta, signer=self.pyhanko_signer(agency), stamp_style=style, new_field_spec=spec,
                                timestamper=self.timestamper()).sign_pdf(writer, appearance_text_params=params)
        return out.getvalue()


class SandboxSigner(Signer):
    """A test CA on this machine: a root and one certificate per agency, PKCS#12 files under
    SIGNING_SANDBOX_DIR, EC P-256 keys (cheap to make). Never a legal signature."""

    ROOT_NAME = "MotCua Sandbox Root CA"

    def __init__(self, directory=None):
        self.directory = Path(directory or settings.SIGNING_SANDBOX_DIR)

    @property
    def passphrase(self):
        return settings.SIGNING_SANDBOX_PASSPHRASE.encode()

    def _root(self):
        """The root CA (certificate, key), created the first time. One file, written atomically (a
        temporary file hard-linked into place), so processes racing to create it end up with one root."""
        path = self.directory / "root.pem"
        if not path.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            key = ec.generate_private_key(ec.SECP256R1())
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, self.ROOT_NAME),
                              x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
            cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                    .serial_number(x509.random_serial_number()).not_valid_before(SANDBOX_EPOCH)
                    .not_valid_after(SANDBOX_EPOCH + datetime.timedelta(days=365 * 40))
                    .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                    .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                                 key_encipherment=False, data_encipherment=False,
                                                 key_agreement=False, key_cert_sign=True, crl_sign=True,
                                                 encipher_only=False, decipher_only=False), critical=True)
                    .sign(key, hashes.SHA256()))
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.BestAvailableEncryption(self.passphrase))
            self._write_new(path, pem + cert.public_bytes(serialization.Encoding.PEM), replace=False)
        data = path.read_bytes()
        key = serialization.load_pem_private_key(data[:data.index(b"-----BEGIN CERTIFICATE-----")], self.passphrase)
        return x509.load_pem_x509_certificate(data[data.index(b"-----BEGIN CERTIFICATE-----"):]), key

    @staticmethod
    def _write_new(path, data, *, replace):
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        temporary.write_bytes(data)
        temporary.chmod(0o600)
        try:
            if replace:
                os.replace(temporary, path)
            else:
                os.link(temporary, path)  # fails if another process created it first: keep theirs
        except FileExistsError:
            pass
        finally:
            temporary.unlink(missing_ok=True)

    def keystore_path(self, agency):
        return self.directory / f"agency-{re.sub(r'[^A-Za-z0-9.-]', '_', agency.code)}.p12"

    def issue(self, agency, *, not_before=None, days=None):
        """A new certificate for `agency` (replacing its key store): on demand, by seed_demo, by tests.
        By default valid from SANDBOX_EPOCH to five years from now, so demo data and tests under a frozen
        clock (dates back to 2025) sign; a test of expiry passes its own dates."""
        root, root_key = self._root()
        key = ec.generate_private_key(ec.SECP256R1())
        not_before = not_before or SANDBOX_EPOCH
        not_after = (not_before + datetime.timedelta(days=days) if days is not None
                     else timezone.now() + datetime.timedelta(days=5 * 365))
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, _fit(agency.name)),
                             x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(agency.name)),
                             x509.NameAttribute(NameOID.SERIAL_NUMBER, _fit(agency.code)),
                             x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
        cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(root.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(not_before).not_valid_after(not_after)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                    full_name=[x509.UniformResourceIdentifier(self.crl_url())], relative_name=None, reasons=None,
                    crl_issuer=None)]), critical=False)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                                             key_cert_sign=False, crl_sign=False, encipher_only=False,
                                             decipher_only=False), critical=True)
                .sign(root_key, hashes.SHA256()))
        self._write_new(self.keystore_path(agency), pkcs12.serialize_key_and_certificates(
            agency.code.encode(), key, cert, [root], serialization.BestAvailableEncryption(self.passphrase)),
            replace=True)
        register_certificate(agency, cert)
        return cert

    def certificate(self, agency):
        path = self.keystore_path(agency)
        if not path.exists():
            return self.issue(agency)
        _key, cert, _chain = pkcs12.load_key_and_certificates(path.read_bytes(), self.passphrase)
        register_certificate(agency, cert)
        return cert

    def pyhanko_signer(self, agency):
        from pyhanko.sign import signers  # where used, as in sign()

        self.certificate(agency)
        return signers.SimpleSigner.load_pkcs12(str(self.keystore_path(agency)), passphrase=self.passphrase)

    def trust_roots(self):
        return [self._root()[0]]

    def _tsa(self):
        """The sandbox time-stamping authority: a certificate from the sandbox root for time stamping only
        (extended key usage id-kp-timeStamping, critical, RFC 3161 s. 2.3), made the first time. RSA:
        pyHanko's in-process TSA signs with RSA only."""
        path = self.directory / "tsa.pem"
        if not path.exists():
            root, root_key = self._root()
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "MotCua Sandbox TSA"),
                              x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
            cert = (x509.CertificateBuilder().subject_name(name).issuer_name(root.subject).public_key(key.public_key())
                    .serial_number(x509.random_serial_number()).not_valid_before(SANDBOX_EPOCH)
                    .not_valid_after(SANDBOX_EPOCH + datetime.timedelta(days=365 * 40))
                    .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                    .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                    .sign(root_key, hashes.SHA256()))
            pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.BestAvailableEncryption(self.passphrase))
            self._write_new(path, pem + cert.public_bytes(serialization.Encoding.PEM), replace=False)
        data = path.read_bytes()
        at = data.index(b"-----BEGIN CERTIFICATE-----")
        return x509.load_pem_x509_certificate(data[at:]), serialization.load_pem_private_key(data[:at], self.passphrase)

    def timestamper(self):
        from asn1crypto import keys as asn1_keys
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        if settings.SIGNING_TSA_URL:
            return super().timestamper()
        cert, key = self._tsa()
        der = serialization.Encoding.DER
        return DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(der)),
            tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                                                                    serialization.NoEncryption())),
            certs_to_embed=[asn1_x509.Certificate.load(self._root()[0].public_bytes(der))])

    @staticmethod
    def crl_url():
        from django.urls import reverse

        return settings.SITE_URL + reverse("signature_revocation_list")

    def revocation_lists(self):
        """The sandbox CA's CRL (RFC 5280 s. 5), signed by its root: every revoked certificate it issued,
        with its revocation date, valid for a day. Also published at /xac-thuc/crl/."""
        from dossiers.models import SigningCertificate

        root, root_key = self._root()
        now = timezone.now()
        builder = (x509.CertificateRevocationListBuilder().issuer_name(root.subject)
                   .last_update(now - datetime.timedelta(minutes=5)).next_update(now + datetime.timedelta(days=1)))
        for row in SigningCertificate.objects.filter(revoked_at__isnull=False).only("serial", "revoked_at"):
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(int(row.serial, 16))
                .revocation_date(row.revoked_at).build())
        return [builder.sign(root_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)]


def _font_factory(path):
    """pyHanko's OpenType font engine for the stamp, with the font's glyph widths written in thousandths of
    an em as the PDF wants (ISO 32000-1 9.7.4.3). pyHanko 0.38 writes them in the font's own units, so
    with DejaVu Sans (2048 units per em) a viewer advanced every letter twice as far as drawn and the stamp
    read "K ý   s ố", with its verification address cut off (seen in docs/forms/ket-qua-ky-so.png)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    class PerMilleWidths(GlyphAccumulator):
        def prepare_write(self):
            first = not self._write_prepared
            super().prepare_write()
            if first and self.units_per_em != 1000:
                for item in self.cidfont_obj["/W"]:
                    if isinstance(item, generic.ArrayObject):
                        item[:] = [generic.NumberObject(round(int(w) * 1000 / self.units_per_em)) for w in item]

    class Factory(GlyphAccumulatorFactory):
        def create_font_engine(self, writer, obj_stream=None):
            engine = super().create_font_engine(writer, obj_stream)
            engine.__class__ = PerMilleWidths  # the same object, with the widths corrected when written
            return engine

    return Factory(path)


def _fit(text, limit=64):
    """`text` cut to the X.520 upper bound of 64, which cryptography counts in UTF-8 bytes."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def register_certificate(agency, cert):
    """The SigningCertificate row of `cert` (created the first time MotCua sees it)."""
    from dossiers.models import SigningCertificate

    row, _created = SigningCertificate.objects.get_or_create(fingerprint=fingerprint(cert), defaults={
        "agency": agency, "serial": format(cert.serial_number, "x"), "subject": cert.subject.rfc4514_string()[:500],
        "not_before": cert.not_valid_before_utc, "not_after": cert.not_valid_after_utc})
    return row


def sandbox_refusal():
    """Why the sandbox CA may not sign here, or "" (DEBUG off needs ALLOW_SANDBOX; dossiers.E004)."""
    if settings.DEBUG or settings.ALLOW_SANDBOX:
        return ""
    return "The sandbox signer (a test CA) is refused with DEBUG off unless ALLOW_SANDBOX=1."


def signer():
    backend = import_string(settings.SIGNER_BACKEND)()
    if isinstance(backend, SandboxSigner) and (reason := sandbox_refusal()):
        raise ImproperlyConfigured(reason)
    return backend


@lru_cache(maxsize=8)
def _configured_roots(paths):
    roots = []
    for path in paths:
        roots.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return tuple(roots)


def trust_roots():
    """SIGNING_TRUST_ROOTS (PEM files) plus the configured signer's own roots (the sandbox CA's)."""
    roots = list(_configured_roots(tuple(settings.SIGNING_TRUST_ROOTS)))
    try:
        roots.extend(signer().trust_roots())
    except ImproperlyConfigured:
        pass
    return roots


@dataclass
class Validation:
    """What pyHanko's validator found in a PDF (the last signature, the one that covers the whole file)."""

    sha256: str
    signed: bool = False
    readable: bool = True
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    fingerprint: str = ""
    signature_digest: str = ""
    signer_subject: str = ""
    signing_time: str = ""
    timestamp_time: str = ""
    timestamp_trusted: bool = False
    revoked: bool = False
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return self.signed and self.intact and self.trusted and self.whole_file

    def as_dict(self):
        return {k: getattr(self, k) for k in ("sha256", "signed", "intact", "trusted", "whole_file", "fingerprint",
                                              "signer_subject", "signing_time", "timestamp_time",
                                              "timestamp_trusted", "revoked", "problems")}

    @property
    def signed_at(self):
        """When it was signed, by the time-stamping authority's token if one vouches for it, else by the
        signer's own claim; None if neither."""
        value = self.timestamp_time if self.timestamp_trusted else self.signing_time
        return datetime.datetime.fromisoformat(value) if value else None


def validate(data):
    """Validate the PDF `data` with pyHanko against trust_roots(). Never raises on bad input."""
    # pyHanko is imported where used: dossiers.checks imports this module at every start-up.
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    result = Validation(sha256=hashlib.sha256(data).hexdigest())
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - any unreadable file is "not a signed PDF", never a 500
        result.readable = False
        result.problems.append(type(exc).__name__)
        return result
    if not signatures:
        return result
    result.signed = True
    sig = signatures[-1]
    try:
        result.signature_digest = hashlib.sha256(sig.pkcs7_content).hexdigest()
        cert = sig.signer_cert
        result.fingerprint = hashlib.sha256(cert.dump()).hexdigest()
        result.signer_subject = cert.subject.human_friendly
        roots = [asn1_x509.Certificate.load(r.public_bytes(serialization.Encoding.DER)) for r in trust_roots()]
        lists = _revocation_lists()  # once: the sandbox builds and signs its CRL on each call

        def context(moment=None):
            # Revocation is judged at the signing time (`moment`): a certificate revoked later still
            # vouches for what it signed before (pyhanko-certvalidator's point-in-time validation). The
            # lists are today's, read for their revocation dates (retroactive_revinfo).
            return ValidationContext(trust_roots=roots, allow_fetching=settings.SIGNING_FETCH_REVOCATION,
                                     crls=lists, revocation_mode="soft-fail", moment=moment,
                                     retroactive_revinfo=True)

        status = validate_pdf_signature(sig, context(), ts_validation_context=context())
        timestamp = status.timestamp_validity
        if timestamp is not None:
            result.timestamp_trusted = bool(timestamp.intact and timestamp.valid and timestamp.trusted)
            result.timestamp_time = timestamp.timestamp.isoformat()
        moment = timestamp.timestamp if result.timestamp_trusted else status.signer_reported_dt
        if moment is not None:
            status = validate_pdf_signature(sig, context(moment), ts_validation_context=context())
    except Exception as exc:  # noqa: BLE001 - a broken signature structure is a failed check
        result.problems.append(type(exc).__name__)
        return result
    result.intact = bool(status.intact and status.valid)
    result.trusted = bool(status.trusted)
    result.revoked = bool(status.revoked)
    result.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE and status.docmdp_ok is not False
    if status.signer_reported_dt:
        result.signing_time = status.signer_reported_dt.isoformat()
    return result


def _revocation_lists():
    try:
        return signer().revocation_lists()
    except ImproperlyConfigured:
        return []
