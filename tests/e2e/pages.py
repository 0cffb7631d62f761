"""The main pages of the site, who sees them, and the tools run over them (axe-core, the Nu Html Checker)."""

import json
import subprocess
import uuid

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dossiers import services
from tests import factories
from tests.e2e import journey
from tests.e2e.conftest import TOOLS, require

# Rules whose violations fail the test: axe's "serious" and "critical" impacts.
FAILING_IMPACTS = {"serious", "critical"}


def session_cookie(user, live_server):
    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}


def filled_draft(procedure, agency, citizen):
    draft = services.dossier_start_online(procedure=procedure, agency=agency, applicant=citizen)
    services.dossier_save_form(dossier=draft, actor=citizen, data={
        "full_name": "Trần Thị Bình", "child_name": "Nguyễn Trần An", "birth_date": "2026-10-01"})
    services.document_upload(dossier=draft, actor=citizen, required_document=procedure.documents.get(required=True),
                             uploaded=SimpleUploadedFile("to-khai.pdf", journey.pdf_bytes(), "application/pdf"))
    return draft


def demo_site():
    """A small site: the birth registration procedure, a citizen with a submitted dossier, a monitor.
    Returns {role: user} and {page name: (role or None for anonymous, url)}."""
    agency = factories.AgencyFactory(name="UBND phường Trần Phú")
    procedure = journey.birth_registration(agency)
    citizen = factories.UserFactory(full_name="Trần Thị Bình")
    draft = filled_draft(procedure, agency, citizen)
    submitted = services.dossier_submit_online(dossier=filled_draft(procedure, agency, citizen), actor=citizen)
    officer = factories.officer(agency, "desk_officer")
    received = services.dossier_receive(
        dossier=services.dossier_submit_online(dossier=filled_draft(procedure, agency, citizen), actor=citizen),
        actor=officer)
    month = f"{timezone.localdate():%Y-%m}"
    from reports import services as report_services  # the dashboard shows a computed month

    report_services.month_compute(month=timezone.localdate().replace(day=1))
    # Published, so the public page shows its figures, finder and open data package (issue 21 item 16).
    report_services.month_publish(month=timezone.localdate().replace(day=1), actor=None)
    users = {"citizen": citizen, "monitor": factories.monitor(), "officer": officer}
    from dossiers.counter import ServicePoint  # the counter's screens (issue 19)

    counter = ServicePoint.objects.create(agency=agency, number=1)
    ticket = services.ticket_issue(agency=agency, key=uuid.uuid4(), field=procedure.field)
    services.ticket_call_next(counter=counter, actor=officer)
    services.ticket_done(ticket=ticket, counter=counter, actor=officer)  # the tablet offers its rating
    report_services.month_compute(month=timezone.localdate().replace(day=1))  # with the ticket (counter figures)
    from dossiers import appointment_selectors  # appointments at the counter (issue 19 item 1)

    day = appointment_selectors.bookable_days()[-1]
    appointment = services.appointment_book(applicant=citizen, agency=agency, procedure=procedure,
                                            starts_at=appointment_selectors.slot_starts(day)[0], dossier=draft)
    urls = {
        "home": (None, reverse("home")),
        "catalogue": (None, reverse("procedure_list") + "?q=khai+sinh"),
        "procedure": (None, reverse("procedure_detail", args=[procedure.code])),
        "due-date": (None, reverse("due_date")),
        "assistant": (None, reverse("assistant") + "?q=khai+sinh"),
        "lookup": (None, reverse("dossier_lookup")),
        "login": (None, reverse("login")),
        "register": (None, reverse("register")),
        "password-reset": (None, reverse("password_reset")),
        "not-found": (None, "/khong-co-trang-nay/"),
        "wizard-start": ("citizen", reverse("dossier_start", args=[procedure.code])),
        "wizard-form": ("citizen", reverse("dossier_form", args=[draft.public_id])),
        "wizard-documents": ("citizen", reverse("dossier_documents", args=[draft.public_id])),
        "wizard-review": ("citizen", reverse("dossier_review", args=[draft.public_id])),
        "my-dossiers": ("citizen", reverse("my_dossiers")),
        "dossier": ("citizen", reverse("dossier_detail", args=[submitted.public_id])),
        "receipt": ("citizen", reverse("dossier_receipt", args=[submitted.public_id])),
        "wallet": ("citizen", reverse("wallet")),
        "audit-log": ("monitor", reverse("audit_log")),
        "admin-audit-log": ("monitor", reverse("admin_audit_log")),
        "desk-queue": ("officer", reverse("desk:queue")),
        "desk-dossier": ("officer", reverse("desk:dossier", args=[received.code])),
        "desk-print-receipt": ("officer", reverse("desk:print", args=[received.code, "tiep-nhan"])),
        "desk-intake": ("officer", reverse("desk:intake")),
        # The intake form itself, with the ID card's QR field (issue 17 item 3).
        "desk-intake-form": ("officer", reverse("desk:intake")
                             + f"?procedure={procedure.pk}&agency={agency.pk}&channel=counter"),
        "dashboard": ("monitor", reverse("reports:dashboard")),
        "dashboard-dossiers": ("monitor", reverse("reports:dossiers") + f"?month={month}&metric=received"),
        "dashboard-tickets": ("monitor", reverse("reports:tickets") + f"?month={month}&metric=tickets_within_target"
                              f"&rate=wait_within_target_rate&agency={agency.pk}"),
        "targets": ("monitor", reverse("reports:targets")),
        "public-statistics": (None, reverse("reports:public")),
        "open-data": (None, reverse("reports:open-data")),
        "plan": ("monitor", reverse("reports:plan")),
        "plan-targets": ("monitor", reverse("reports:plan-targets")),
        "counter-kiosk": (None, reverse("counter_kiosk", args=[agency.code])),
        "counter-ticket": (None, reverse("counter_ticket", args=[ticket.public_id])),
        "counter-display": (None, reverse("counter_display", args=[agency.code])),
        "counter-rating": (None, reverse("counter_rating", args=[agency.code, counter.number])),
        "desk-counters": ("officer", reverse("desk:counters")),
        "desk-counter": ("officer", reverse("desk:counter", args=[counter.pk])),
        "counter-measures": ("monitor", reverse("desk:counter_measures")),
        "counter-ratings-live": ("monitor", reverse("desk:counter_ratings_live")),
        "appointment-book": ("citizen", reverse("appointment_book", args=[procedure.code])
                             + f"?agency={agency.code}&day={day.isoformat()}&dossier={draft.public_id}"),
        "appointment": ("citizen", reverse("appointment_detail", args=[appointment.public_id])),
        "my-appointments": ("citizen", reverse("my_appointments")),
    }
    return users, urls


def run_axe(page):
    """Violations of serious or critical impact on the page as loaded: [(rule, impact, [targets])]."""
    page.add_script_tag(path=str(require(TOOLS / "axe.min.js")))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => [v.id, v.impact, v.nodes.slice(0, 5).map(n => n.target.join(" "))]);
    }""")
    return [tuple(v) for v in result if v[1] in FAILING_IMPACTS]


def run_vnu(paths):
    """Errors of the Nu Html Checker over the given HTML files: [(file name, line, message)]."""
    jar = require(TOOLS / "vnu.jar")
    java = require("java")
    completed = subprocess.run([str(java), "-jar", str(jar), "--errors-only", "--format", "json", *map(str, paths)],
                               capture_output=True, text=True, timeout=180)
    messages = json.loads(completed.stderr or completed.stdout or '{"messages": []}')["messages"]
    return [(m.get("url", "").rsplit("/", 1)[-1], m.get("lastLine"), m.get("message")) for m in messages
            if m.get("type") == "error"]
