"""Signed results (issue 18 items 1-2): the leader's approval signs the PDF result (PAdES, sandbox CA),
pyHanko's validator accepts it, one changed byte or a revoked certificate is caught, and the public
verification page and API say valid / tampered / revoked / unknown."""

import datetime as dt
import io

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from dossiers import checks, services, signing
from dossiers.models import (
    DocumentSignature,
    DocumentSource,
    Dossier,
    DossierEvent,
    SignatureVerification,
    SigningCertificate,
    Status,
)
from tests.dossiers.citizen_helpers import (
    pdf_bytes,
    private_media,  # noqa: F401 (fixture)
)
from tests.dossiers.desk_helpers import (
    _fast_passwords,  # noqa: F401 (autouse fixture)
    awaiting_approval,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sandbox_ca(settings, tmp_path_factory, private_media):  # noqa: F811 (the imported fixture)
    """One throwaway sandbox CA for the module's tests (its root is made once: keys are cheap, not free)."""
    settings.SIGNING_SANDBOX_DIR = str(tmp_path_factory.getbasetemp() / "signing-ca")
    settings.SIGNING_TRUST_ROOTS = []
    return signing.SandboxSigner()


def approved(procedure, desk_officer, specialist, leader):
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    return services.dossier_approve(dossier=dossier, actor=leader)


def result_of(dossier):
    return dossier.documents.get(source=DocumentSource.RESULT)


def read(document):
    with document.file.open("rb") as handle:
        return handle.read()


def pyhanko_status(data, sandbox_ca):
    roots = [asn1_x509.Certificate.load(r.public_bytes(serialization.Encoding.DER)) for r in sandbox_ca.trust_roots()]
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    return reader, validate_pdf_signature(reader.embedded_signatures[-1],
                                          ValidationContext(trust_roots=roots, allow_fetching=False))


def flip_one_byte(data):
    """One byte of the page's content inside the signed range (its MediaBox width)."""
    out = bytearray(data)
    at = data.index(b"/MediaBox [0 0 595") + len(b"/MediaBox [0 0 59")
    out[at] = ord("6")
    return bytes(out)


def test_leader_approval_signs_the_result_and_pyhankos_validator_accepts_it(procedure, desk_officer, specialist,
                                                                            leader, sandbox_ca):
    dossier = approved(procedure, desk_officer, specialist, leader)
    document = result_of(dossier)
    data = read(document)
    reader, status = pyhanko_status(data, sandbox_ca)
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)
    assert status.signing_cert.subject.native["organization_name"] == procedure.agencies.get().name
    sig = reader.embedded_signatures[-1]
    x1, y1, x2, y2 = (float(v) for v in sig.sig_field["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 50  # a visible stamp, not an invisible signature
    appearance = sig.sig_field["/AP"]["/N"]
    assert len(appearance.data) > 500  # drawn: the QR code's modules and the stamp text
    assert b"DejaVuSans" in data  # the stamp's font is embedded (Vietnamese letters, not Courier's Latin-1)
    record = document.signature
    assert record.origin == DocumentSignature.Origin.SIGNED_HERE and record.signer == leader
    assert record.sha256 == document.sha256 and len(record.verification_id) >= 32
    event = DossierEvent.objects.get(dossier=dossier, action="sign_result")
    assert event.actor == leader and event.data["sha256"] == document.sha256
    assert event.data["sha256_before"] != document.sha256


def test_one_changed_byte_fails_the_validator(procedure, desk_officer, specialist, leader, sandbox_ca):
    data = read(result_of(approved(procedure, desk_officer, specialist, leader)))
    _reader, status = pyhanko_status(flip_one_byte(data), sandbox_ca)
    assert not status.intact
    assert not signing.validate(flip_one_byte(data)).intact
    assert signing.validate(data).ok


def test_revoked_certificate_refuses_to_sign_and_the_dossier_stays_awaiting_approval(
        client, procedure, desk_officer, specialist, leader, sandbox_ca):
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    agency = dossier.handling_agency
    sandbox_ca.issue(agency)
    certificate = SigningCertificate.objects.get(agency=agency, revoked_at__isnull=True,
                                                 fingerprint=signing.fingerprint(sandbox_ca.certificate(agency)))
    services.signing_certificate_revoke(certificate=certificate)
    with pytest.raises(signing.SigningRefused, match="thu hồi"):
        services.dossier_approve(dossier=dossier, actor=leader)
    client.force_login(leader)
    response = client.post(reverse("desk:action", args=[dossier.code, "approve"]),
                           {"version": Dossier.objects.get(pk=dossier.pk).version})
    assert response.status_code == 400
    assert "Chứng thư số của cơ quan đã bị thu hồi" in response.content.decode()
    api = client.post(reverse("api-desk-action", kwargs={"code": dossier.code, "action": "approve"}),
                      {"version": Dossier.objects.get(pk=dossier.pk).version})
    assert api.status_code == 400 and "thu hồi" in api.json()["detail"]
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_APPROVAL
    assert not DocumentSignature.objects.filter(document__dossier=dossier).exists()
    assert not DossierEvent.objects.filter(dossier=dossier, action__in=["approve", "sign_result"]).exists()


def test_expired_certificate_refuses_to_sign(procedure, desk_officer, specialist, leader, sandbox_ca):
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    sandbox_ca.issue(dossier.handling_agency, not_before=signing.SANDBOX_EPOCH, days=30)
    with pytest.raises(signing.SigningRefused, match="hết hạn"):
        services.dossier_approve(dossier=dossier, actor=leader)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.AWAITING_APPROVAL


def test_an_uploaded_signed_pdf_keeps_its_signature_and_its_validation_is_recorded(
        procedure, desk_officer, specialist, leader, sandbox_ca):
    from tests.dossiers.desk_helpers import processing

    dossier = processing(procedure, desk_officer, specialist)
    signed_elsewhere = sandbox_ca.sign(pdf=pdf_bytes(), agency=dossier.handling_agency, signer_name="Người ký khác",
                                       url="http://127.0.0.1:8000/xac-thuc/x/", when=dt.datetime.now(dt.UTC))
    document = services.dossier_upload_result(dossier=dossier, actor=specialist, uploaded_file=SimpleUploadedFile(
        "ket-qua-da-ky.pdf", signed_elsewhere, content_type="application/pdf"))
    record = document.signature
    assert record.origin == DocumentSignature.Origin.UPLOADED
    assert record.validation["intact"] and record.validation["trusted"]
    upload_event = DossierEvent.objects.get(dossier=dossier, action="upload_result")
    assert upload_event.data["signed"] and upload_event.data["signature_valid"]
    dossier = services.dossier_submit_for_approval(dossier=dossier, actor=specialist)
    services.dossier_approve(dossier=dossier, actor=leader)
    document.refresh_from_db()
    assert read(document) == signed_elsewhere  # not re-signed over
    assert not DossierEvent.objects.filter(dossier=dossier, action="sign_result").exists()


def test_an_uploaded_pdf_whose_signature_is_broken_is_recorded_as_invalid(procedure, desk_officer, specialist,
                                                                          sandbox_ca):
    from tests.dossiers.desk_helpers import processing

    dossier = processing(procedure, desk_officer, specialist)
    signed = sandbox_ca.sign(pdf=pdf_bytes(), agency=dossier.handling_agency, signer_name="Người ký khác",
                             url="http://127.0.0.1:8000/xac-thuc/x/", when=dt.datetime.now(dt.UTC))
    document = services.dossier_upload_result(dossier=dossier, actor=specialist, uploaded_file=SimpleUploadedFile(
        "ket-qua-da-ky.pdf", flip_one_byte(signed), content_type="application/pdf"))
    assert document.signature.validation["intact"] is False
    assert DossierEvent.objects.get(dossier=dossier, action="upload_result").data["signature_valid"] is False


def verdict_on(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_verification_page_says_valid_tampered_and_unknown(client, procedure, desk_officer, specialist, leader):
    dossier = approved(procedure, desk_officer, specialist, leader)
    document = result_of(dossier)
    data, record = read(document), document.signature
    page = verdict_on(client.get(reverse("signature_verify", args=[record.verification_id])))
    assert "Hợp lệ: văn bản do cơ quan ký số" in page
    assert dossier.code in page and dossier.handling_agency.name in page and document.sha256 in page
    assert dossier.applicant.full_name not in page and dossier.applicant.phone not in page

    tampered = verdict_on(client.post(reverse("signature_verify_upload"), {
        "file": SimpleUploadedFile("ket-qua.pdf", flip_one_byte(data), content_type="application/pdf")}))
    assert "Không hợp lệ: văn bản đã bị sửa đổi" in tampered and dossier.code in tampered

    same = verdict_on(client.post(reverse("signature_verify_upload"), {
        "file": SimpleUploadedFile("ket-qua.pdf", data, content_type="application/pdf")}))
    assert "Hợp lệ: văn bản do cơ quan ký số" in same

    unknown_id = verdict_on(client.get(reverse("signature_verify", args=["khong-co-ma-nay"])))
    unsigned = verdict_on(client.post(reverse("signature_verify_upload"), {
        "file": SimpleUploadedFile("khac.pdf", pdf_bytes(), content_type="application/pdf")}))
    for page in (unknown_id, unsigned):
        assert "Không xác định" in page and dossier.code not in page
    verdicts = list(SignatureVerification.objects.order_by("id").values_list("verdict", "uploaded"))
    assert verdicts == [("valid", False), ("tampered", True), ("valid", True), ("unknown", False), ("unknown", True)]


def test_a_certificate_revoked_before_signing_is_reported_and_a_later_revocation_is_not(
        client, procedure, desk_officer, specialist, leader):
    dossier = approved(procedure, desk_officer, specialist, leader)
    record = result_of(dossier).signature
    services.signing_certificate_revoke(certificate=record.certificate,
                                        when=record.signed_at + dt.timedelta(days=1))
    body = client.get(reverse("api_verification", args=[record.verification_id])).json()
    assert body["verdict"] == "valid" and body["checks"]["not_revoked"] is True
    SigningCertificate.objects.filter(pk=record.certificate_id).update(revoked_at=record.signed_at - dt.timedelta(hours=1))
    body = client.get(reverse("api_verification", args=[record.verification_id])).json()
    assert body["verdict"] == "revoked" and body["checks"]["not_revoked"] is False
    assert set(body["facts"]) == {"code", "procedure", "agency", "signed_on", "document"}


def test_verification_api_checks_an_uploaded_file_and_refuses_a_non_pdf(client, procedure, desk_officer, specialist,
                                                                        leader):
    data = read(result_of(approved(procedure, desk_officer, specialist, leader)))
    url = reverse("api_verification_upload")
    body = client.post(url, {"file": SimpleUploadedFile("a.pdf", flip_one_byte(data))}).json()
    assert body["verdict"] == "tampered" and body["checks"]["intact"] is False
    response = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"GIF89a not a pdf")})
    assert response.status_code == 400 and "PDF" in response.content.decode()
    page = client.post(reverse("signature_verify_upload"), {"file": SimpleUploadedFile("a.pdf", b"GIF89a")})
    assert page.status_code == 400 and "Tệp không phải PDF." in page.content.decode()
    assert client.post(reverse("signature_verify_upload"), {}).status_code == 400
    assert not SignatureVerification.objects.filter(verdict="unknown").exists()  # refused input is not a check


def test_verification_is_rate_limited(client, settings):
    settings.VERIFY_LIMIT_PER_MINUTE = 2
    url = reverse("signature_verify", args=["ma-bat-ky-rate"])
    client.defaults["REMOTE_ADDR"] = "203.0.113.77"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(reverse("api_verification", args=["ma-bat-ky-rate"])).status_code == 429


def test_sandbox_signer_is_refused_in_production_without_the_opt_in(settings):
    settings.DEBUG, settings.ALLOW_SANDBOX = False, False
    assert [p.id for p in checks.sandbox_signer_check()] == ["dossiers.E004"]
    with pytest.raises(Exception, match="ALLOW_SANDBOX"):
        signing.signer()
    with override_settings(ALLOW_SANDBOX=True):
        assert checks.sandbox_signer_check() == []


def test_the_desk_page_shows_whether_the_result_is_signed(client, procedure, desk_officer, specialist, leader):
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    client.force_login(leader)
    url = reverse("desk:dossier", args=[dossier.code])
    assert "Chưa ký số: ký khi lãnh đạo phê duyệt" in client.get(url).content.decode()
    services.dossier_approve(dossier=dossier, actor=leader)
    page = client.get(url).content.decode()
    record = result_of(dossier).signature
    assert "Đã ký số khi phê duyệt" in page and reverse("signature_verify", args=[record.verification_id]) in page


SAMPLE_RESULT = """<html><head><meta charset="utf-8"><style>
@font-face {{ font-family: vn; src: url("{font}"); }}
@page {{ size: A4; margin: 2cm; }}
body {{ font-family: vn; font-size: 13pt; }} h1, p.c {{ text-align: center; }} h1 {{ font-size: 15pt; }}
</style></head><body>
<p class="c"><b>ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH</b><br><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>Độc lập - Tự do - Hạnh phúc</p>
<h1>GIẤY CHỨNG NHẬN (MẪU MINH HỌA)</h1>
<p>Kết quả giải quyết hồ sơ {code}: tệp PDF mẫu do bộ kiểm thử tạo để minh họa chữ ký số của cơ quan.
Chữ ký số và mã QR ở góc dưới bên trái trang do MotCua đặt khi lãnh đạo phê duyệt.</p>
</body></html>"""


def test_a_signed_result_carries_its_stamp_on_a_real_page(procedure, desk_officer, specialist, leader, sandbox_ca):
    """A result with text, signed at approval: the stamp sits in STAMP_BOX on its last page and the file
    validates. With MOTCUA_FORMS_DIR set the signed PDF is kept for the README's picture
    (scripts/render_forms.sh turns it into docs/forms/ket-qua-ky-so.png with pdftoppm)."""
    import os
    from pathlib import Path

    from xhtml2pdf import pisa

    from dossiers import printing
    from tests.dossiers.desk_helpers import processing

    dossier = processing(procedure, desk_officer, specialist)
    out = io.BytesIO()
    pisa.CreatePDF(SAMPLE_RESULT.format(font=printing.pdf_font_path(), code=dossier.code), dest=out, encoding="utf-8")
    services.dossier_upload_result(dossier=dossier, actor=specialist, uploaded_file=SimpleUploadedFile(
        "ket-qua.pdf", out.getvalue(), content_type="application/pdf"))
    services.dossier_submit_for_approval(dossier=dossier, actor=specialist)
    dossier = services.dossier_approve(dossier=dossier, actor=leader)
    data = read(result_of(dossier))
    reader, status = pyhanko_status(data, sandbox_ca)
    assert status.bottom_line and signing.validate(data).ok
    sig = reader.embedded_signatures[-1]
    assert tuple(round(float(v)) for v in sig.sig_field["/Rect"]) == signing.STAMP_BOX
    # The stamp font's widths are in thousandths of an em (a letter is about 600 wide): pyHanko wrote the
    # font's own units (DejaVu: 2048 per em) and the letters stood apart, the address cut off.
    fonts = [f.get_object() for f in _fonts_of(sig.sig_field["/AP"]["/N"])]
    widths = [int(w) for f in fonts for d in f["/DescendantFonts"] for item in d.get_object()["/W"]
              if isinstance(item, list) for w in item]
    assert widths and max(widths) <= 1100 and 450 <= sum(widths) / len(widths) <= 800, widths
    if target := os.environ.get("MOTCUA_FORMS_DIR"):
        Path(target, "ket-qua-ky-so.pdf").write_bytes(data)


def _fonts_of(xobject):
    """The fonts an appearance stream uses, its form XObjects' included."""
    resources = xobject.get("/Resources") or {}
    yield from (resources.get("/Font") or {}).values()
    for child in (resources.get("/XObject") or {}).values():
        yield from _fonts_of(child.get_object())


def test_signatures_carry_a_trusted_timestamp_and_revocation_is_judged_at_its_time(
        procedure, desk_officer, specialist, leader, sandbox_ca):
    """PAdES B-T: the sandbox TSA's token dates the signature; the CA's revocation list (CRL) is read at that
    time, so a later revocation leaves the result valid and an earlier one (as recorded by the CA) does not."""
    dossier = approved(procedure, desk_officer, specialist, leader)
    data = read(result_of(dossier))
    checked = signing.validate(data)
    assert checked.ok and checked.timestamp_trusted and not checked.revoked
    stamped = dt.datetime.fromisoformat(checked.timestamp_time)
    assert abs((stamped - timezone.now()).total_seconds()) < 300
    row = result_of(dossier).signature.certificate
    services.signing_certificate_revoke(certificate=row, when=stamped + dt.timedelta(hours=1))
    assert not signing.validate(data).revoked  # revoked after it signed
    SigningCertificate.objects.filter(pk=row.pk).update(revoked_at=stamped - dt.timedelta(hours=1))
    again = signing.validate(data)
    assert again.revoked and again.intact  # the CRL, not only our table, says revoked before the timestamp


def test_the_sandbox_ca_publishes_its_revocation_list(client, procedure, desk_officer, specialist, leader,
                                                      sandbox_ca):
    from cryptography import x509

    dossier = approved(procedure, desk_officer, specialist, leader)
    row = result_of(dossier).signature.certificate
    services.signing_certificate_revoke(certificate=row)
    response = client.get(reverse("signature_revocation_list"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    root = sandbox_ca.trust_roots()[0]
    assert crl.is_signature_valid(root.public_key())
    assert crl.get_revoked_certificate_by_serial_number(int(row.serial, 16)) is not None
    cert = sandbox_ca.certificate(procedure.agencies.get())
    points = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value.endswith(reverse("signature_revocation_list"))
