"""Printable documents of the one-stop desk (national forms): HTML print views and their PDF.

The PDF is rendered from the same template by xhtml2pdf (pure pip: reportlab), with a Unicode font
so Vietnamese diacritics print. The QR code is an inline data: PNG (CSP allows img data:) that
links to the public look-up page.
"""

import base64
import io
from dataclasses import dataclass

import qrcode
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers import lifecycle, selectors
from dossiers.models import Status
from portal.fonts import pdf_font_path  # noqa: F401 (printing.pdf_font_path, read by the print tests)
from procedures.selectors import working_calendar


@dataclass(frozen=True)
class PrintDocument:
    slug: str
    title: str
    template: str
    # The events whose reason/details the document carries, latest first: the stop notice answers the
    # agency's stop or the applicant's request to stop (Decree 118/2025/NĐ-CP art. 21).
    event_actions: tuple = ()
    form_no: str = ""  # the form's number in Appendix I of Circular 03/2025/TT-VPCP
    # What only this document shows, computed only when it is printed: context(dossier, events) -> dict.
    context: object = None

    def available_for(self, dossier):
        if self.slug == "tiep-nhan":
            return dossier.received_at is not None
        if self.slug == "xin-loi":
            return dossier.late_letter_at is not None
        if self.slug == "kiem-soat":
            return dossier.status != Status.SUBMITTED or dossier.received_at is not None
        return any(e.action in self.event_actions for e in dossier.events.all())


def _receipt(dossier, events):
    """What Mẫu 01 (Circular 03/2025/TT-VPCP, Appendix I) adds: the appointment ("giờ … phút, ngày …"), the
    entry in the desk's tracking book (Quyển số = the year, Số thứ tự) and the queue ticket's number. The
    person who brought it for the applicant and the authorisation, the number of sets and where the result
    is collected are the dossier's own fields."""
    from dossiers.services.intake import dossier_due_explanation

    due = dossier_due_explanation(dossier=dossier) if dossier.received_at else None
    # Taken in at the counter from a queue ticket (dossiers.counter.Ticket): its number prints on the receipt.
    ticket = dossier.tickets.order_by("issued_at").first()
    return {"appointment": due.due_at if due else None, "book_number": selectors.book_number(dossier),
            "fee_items": selectors.dossier_fee_items(dossier), "ticket": ticket}


def _control_rows(dossier, events):
    """The rows of Mẫu 06: each hand-over of the dossier, from its receipt to the return of its result.

    A row is a step of the lifecycle table after the submission (receipt, assignment, transfer, approval,
    return …; recorded actions such as an upload are not hand-overs): the agency
    that held it, the hand-over time ("Giao"), who handed it over, who took it (the actor of the next step:
    "Nhận"), and whether the step was done before, on or after the appointment day. Circular 03/2025/TT-VPCP
    gives no deadline per step, so MotCua judges every step against the dossier's appointment (due date).
    """
    calendar = working_calendar()
    steps = [e for e in events if e.action in lifecycle.TRANSITIONS and e.action != lifecycle.Action.SUBMIT]
    rows = []
    for i, event in enumerate(steps):
        taken = steps[i + 1] if i + 1 < len(steps) else None
        rows.append({
            "agency": event.agency.name if event.agency else "",
            "action": lifecycle.action_label(event.action),
            "status": Status(event.to_status).label if event.to_status in Status.values else event.to_status,
            "given_at": event.created_at,
            "given_by": event.actor.full_name if event.actor else "",
            "taken_at": taken.created_at if taken else None,
            "taken_by": (taken.actor.full_name if taken and taken.actor else ""),
            "timeliness": (selectors.STEP_LABELS[selectors.timeliness(timezone.localdate(event.created_at),
                                                                      dossier.due_date, calendar)[0]]
                           if dossier.due_date else ""),
            "comment": event.comment if event.comment_audience == event.Audience.APPLICANT else "",
        })
    return {"control_rows": rows}


DOCUMENTS = {
    d.slug: d for d in [
        PrintDocument("tiep-nhan", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"), "print/receipt.html", ("receive",), "01",
                      _receipt),
        PrintDocument("bo-sung", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"), "print/supplement.html",
                      ("request_supplement",), "02"),
        PrintDocument("tu-choi", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"), "print/refusal.html", ("refuse",), "03"),
        PrintDocument("xin-loi", _("Văn bản xin lỗi và hẹn lại ngày trả kết quả"), "print/apology.html",
                      ("late_letter",), "04"),
        PrintDocument("dung", _("Thông báo dừng giải quyết hồ sơ"), "print/stop.html", ("stop", "withdraw"), "05"),
        PrintDocument("kiem-soat", _("Phiếu kiểm soát quá trình giải quyết hồ sơ"), "print/control_sheet.html",
                      (), "06", _control_rows),
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
    return {
        **(document.context(dossier, events) if document.context else {}),
        "dossier": dossier, "agency": dossier.handling_agency, "receiving_agency": dossier.receiving_agency,
        "document": document, "form_no": document.form_no, "event": event, "events": events,
        "lookup_url": lookup_url(dossier),
        "qr": qr_data_uri(lookup_url(dossier)),
    }


# DejaVu ships with most Linux distributions; the PDF falls back to Helvetica (no diacritics) without it.
def html_to_pdf(html, *, name="document"):
    """PDF bytes of an HTML page (xhtml2pdf, pure pip): the one PDF renderer of MotCua, for the forms,
    the receipts and the monthly report (reports.services). Raises RuntimeError if the renderer reports
    errors."""
    from xhtml2pdf import pisa

    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"PDF rendering failed for {name} ({result.err} error(s))")
    return out.getvalue()


def render_html_pdf(template, context, *, request=None, name="document"):
    """PDF bytes of a print template (the same HTML the browser prints)."""
    html = render_to_string(template, {**context, "pdf": True, "pdf_font": pdf_font_path()}, request=request)
    return html_to_pdf(html, name=name)


def render_pdf(*, dossier, document, request=None):
    """PDF bytes of one printable document."""
    return render_html_pdf(document.template, document_context(dossier=dossier, document=document),
                           request=request, name=f"{document.slug} of {dossier.code}")
