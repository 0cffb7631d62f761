"""Citizen services: supplement restarts the clock, withdraw, rate once, notifications in two languages."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import translation

from dossiers import lifecycle, services
from dossiers.models import DossierEvent, OutboxMessage, Rating, Status
from dossiers.notifications import render_message
from tests.dossiers.citizen_helpers import (  # noqa: F401
    desk_receive,
    desk_request_supplement,
    desk_return_result,
    pdf_upload,
    private_media,
    submitted_dossier,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_submission_snapshots_online_mode_and_queues_the_receipt_email(citizen):
    dossier = submitted_dossier(citizen)
    assert dossier.status == Status.SUBMITTED and dossier.code
    assert dossier.online_mode == "full" and dossier.submitted_at is not None
    email = OutboxMessage.objects.get(kind="email")
    assert email.payload["to"] == citizen.email and email.payload["dossier_code"] == dossier.code


def test_incomplete_draft_is_not_submitted_and_says_why(citizen, procedure):
    draft = services.dossier_start_online(procedure=procedure, agency=procedure.agencies.first(), applicant=citizen)
    with pytest.raises(services.IncompleteDossier) as error:
        services.dossier_submit_online(dossier=draft, actor=citizen)
    assert any("Thiếu giấy tờ bắt buộc: Tờ khai." == str(p) for p in error.value.problems)
    assert any("Tờ khai còn 1 trường" in str(p) for p in error.value.problems)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.code is None


def test_online_submission_is_accepted_on_an_online_only_weekday(citizen, procedure):
    procedure.online_only_weekdays = [3]
    procedure.save()
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=HCM)):  # a Thursday
        dossier = submitted_dossier(citizen, procedure=procedure)
    assert dossier.status == Status.SUBMITTED


def test_supplement_pauses_the_clock_and_resumes_it_without_restarting(citizen):
    """The wait for the applicant is not elapsed; the period is not restarted (Decree 118/2025 wave)."""
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=HCM)):  # Monday
        dossier, officer = desk_receive(submitted_dossier(citizen))
    with time_machine.travel(datetime(2026, 11, 4, 9, 0, tzinfo=HCM)):
        dossier = desk_request_supplement(dossier, officer)
    assert dossier.clock_paused_at is not None
    with time_machine.travel(datetime(2026, 11, 9, 10, 0, tzinfo=HCM)):  # Monday, 5 days later
        with pytest.raises(services.IncompleteDossier):
            services.dossier_supplement(dossier=dossier, actor=citizen)
        services.document_upload(dossier=dossier, actor=citizen, uploaded=pdf_upload("khai-sinh.pdf"))
        dossier = services.dossier_supplement(dossier=dossier, actor=citizen, comment="Đã bổ sung")
    assert dossier.status == Status.RECEIVED
    # Received Mon 02/11, 7 days: due Wed 11/11. Paused Wed 04/11, resumed Mon 09/11: the working days
    # waited are Thu 05, Fri 06, Mon 09 (3), so the due day moves 3 working days, to Mon 16/11.
    assert dossier.clock_paused_at is None and dossier.paused_days == 3
    assert dossier.clock_started_at.astimezone(HCM).date().isoformat() == "2026-11-02"
    assert dossier.due_date.isoformat() == "2026-11-16"
    steps = [s.code for s in services.dossier_due_explanation(dossier=dossier).explanation]
    assert "paused" in steps and "resumed" in steps
    assert dossier.documents.filter(is_supplement=True).count() == 1


def test_withdraw_needs_a_reason_and_is_audited(citizen):
    dossier = submitted_dossier(citizen)
    with pytest.raises(lifecycle.ReasonRequired):
        services.dossier_withdraw(dossier=dossier, actor=citizen, reason="  ")
    dossier = services.dossier_withdraw(dossier=dossier, actor=citizen, reason="Nộp nhầm thủ tục")
    assert dossier.status == Status.WITHDRAWN and dossier.closed_at is not None
    event = DossierEvent.objects.get(dossier=dossier, action=lifecycle.Action.WITHDRAW)
    assert event.actor == citizen and event.comment == "Nộp nhầm thủ tục"


def test_rating_is_accepted_once_and_only_after_return(citizen):
    dossier, officer = desk_receive(submitted_dossier(citizen))
    with pytest.raises(lifecycle.TransitionNotAllowed):
        services.dossier_rate(dossier=dossier, actor=citizen, value="satisfied")
    dossier, _result = desk_return_result(dossier, officer)
    services.dossier_rate(dossier=dossier, actor=citizen, value="normal", comment="Hơi lâu")
    with pytest.raises(services.AlreadyRated):
        services.dossier_rate(dossier=dossier, actor=citizen, value="satisfied")
    assert Rating.objects.get(dossier=dossier).value == "normal"


@pytest.mark.parametrize("template", ["notifications/email.txt", "notifications/sms.txt"])
def test_every_notification_template_has_vietnamese_and_english(template):
    context = {"dossier_code": "X-261122-0001", "status": "received", "status_label": "Đã tiếp nhận",
               "due_date": "2026-12-01", "reason": "", "site_url": "http://x", "site_name": "DVC"}
    with translation.override("vi"):
        vietnamese = render_to_string(template, context)
    with translation.override("en"):
        english = render_to_string(template, context)
    assert "X-261122-0001" in vietnamese and "X-261122-0001" in english
    assert ("Hồ sơ" in vietnamese or "Ho so" in vietnamese) and "Dossier" not in vietnamese
    assert "Dossier" in english and "received" in english.lower() and "Hồ sơ" not in english


def test_the_email_carries_both_languages(citizen):
    dossier = submitted_dossier(citizen)
    subject, body = render_message(OutboxMessage.objects.get(kind="email", payload__dossier_code=dossier.code))
    assert "Mới đăng ký" in subject
    assert "Hồ sơ" in body and "Your dossier" in body
