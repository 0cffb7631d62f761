"""With a real worker process: health is all green, and notifications leave through the outbox."""

import pytest

from dossiers import services
from dossiers.models import OutboxMessage, SmsMessage
from tests import factories
from tests.processes import wait_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("celery")]


def test_healthz_is_green_with_a_worker(client, celery_worker_process):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["checks"]["celery"]["workers"] >= 1
    assert celery_worker_process not in response.content.decode()  # hosts only for staff (issue 20 item 15)
    client.force_login(factories.UserFactory(is_staff=True))
    assert celery_worker_process in client.get("/healthz").json()["checks"]["celery"]["worker_names"]


def test_submission_notifies_the_applicant_once_through_a_real_worker(celery_worker_process):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    citizen = factories.UserFactory()
    dossier = services.dossier_create_draft(procedure=procedure, agency=agency, applicant=citizen)
    dossier = services.dossier_submit(dossier=dossier, actor=citizen)

    messages = OutboxMessage.objects.filter(key__startswith=f"event:{dossier.events.get().pk}:")
    assert sorted(messages.values_list("kind", flat=True)) == ["email", "sms"]
    assert wait_for(lambda: not messages.filter(sent_at__isnull=True).exists(), timeout=90), list(messages.values())
    sms = SmsMessage.objects.get(phone=citizen.phone)
    assert dossier.code in sms.text

    # A redelivered task (same key) sends nothing more. (The task keeps no result; this call asks for one.)
    from dossiers.tasks import send_outbox_message

    redelivered = send_outbox_message.apply_async(args=[messages.get(kind="sms").key], ignore_result=False)
    assert redelivered.get(timeout=90) is False
    assert SmsMessage.objects.filter(phone=citizen.phone).count() == 1
