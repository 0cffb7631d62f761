"""Printable documents of the one-stop desk (national forms): HTML print views and their PDF.

The PDF is rendered from the same template by xhtml2pdf (pure pip: reportlab), with a Unicode font
so Vietnamese diacritics print. The QR code is an inline data: PNG (CSP allows img data:) that
links to the public look-up page.
"""

import base64
import io
from dataclasses import dataclass
from pathlib import Path

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from dossiers.models import Status


@dataclass(frozen=True)
class PrintDocument:
    slug: str
    title: str
    template: str
    # The events whose reason/details the document carries, latest first: the stop notice answers the
    # agency's stop or the applicant's request to stop (Decree 118/2025/NĐ-CP art. 21).
    event_actions: tuple = ()
    form_no: str = ""  # the form's number in Appendix I of Circular 03/2025/TT-VPCP

    def available_for(self, dossier):
        if self.slug == "tiep-nhan":
            return dossier.received_at is not None
        if self.slug == "xin-loi":
            return dossier.late_letter_at is not None
        if self.slug == "kiem-soat":
            return dossier.status != Status.SUBMITTED or dossier.received_at is not None
        return any(e.action in self.event_actions for e in dossier.events.all())


DOCUMENTS = {
    d.slug: d for d in [
        PrintDocument("tiep-nhan", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), "print/receipt.html", ("receive",), "01"),
        PrintDocument("bo-sung", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"), "print/supplement.html",
                      ("request_supplement",), "02"),
        PrintDocument("tu-choi", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"), "print/refusal.html", ("refuse",), "03"),
        PrintDocument("xin-loi", _("Văn bản xin lỗi và hẹn lại ngày trả kết quả"), "print/apology.html",
                      ("late_letter",), "04"),
        PrintDocument("dung", _("Thông báo dừng giải quyết hồ sơ"), "print/stop.html", ("stop", "withdraw"), "05"),
        PrintDocument("kiem-soat", _("Phiếu kiểm soát quá trình giải quyết hồ sơ"), "print/control_sheet.html",
                      (), "06"),
    ]
}


def lookup_url(dossier):
    return f"{settings.SITE_URL.rstrip('/')}/tra-cuu/?code={dossier.code}"


def qr_data_uri(text):
    """A PNG QR code as a data: URI."""
    image = qrcode.make(text, box_size=4, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def document_context(*, dossier, document):
    events = list(dossier.events.all())
    event = next((e for e in reversed(events) if e.action in document.event_actions), None)
    from dossiers.services.intake import dossier_due_explanation

    due = dossier_due_explanation(dossier=dossier) if dossier.received_at else None
    return {
        # The appointment of Mẫu 01 (Circular 03/2025/TT-VPCP, Appendix I): "giờ … phút, ngày …".
        "appointment": due.due_at if due else None,
        "dossier": dossier, "agency": dossier.handling_agency, "receiving_agency": dossier.receiving_agency,
        "document": document, "event": event, "events": events, "lookup_url": lookup_url(dossier),
        "qr": qr_data_uri(lookup_url(dossier)),
    }


# DejaVu ships with most Linux distributions; the PDF falls back to Helvetica (no diacritics) without it.
FONT_CANDIDATES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
]


def pdf_font_path():
    return next((str(p) for p in FONT_CANDIDATES if p.exists()), None)


def render_pdf(*, dossier, document, request=None):
    """PDF bytes of one printable document."""
    from xhtml2pdf import pisa

    context = document_context(dossier=dossier, document=document)
    context.update(pdf=True, pdf_font=pdf_font_path())
    html = render_to_string(document.template, context, request=request)
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"PDF rendering failed for {document.slug} of {dossier.code}")
    return out.getvalue()
