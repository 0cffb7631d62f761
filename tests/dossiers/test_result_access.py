"""Issue 20 items 2 and 6: the result reaches the applicant only once released (approved, fee paid), on
every route; comments among officers never reach the applicant (page, API, notifications)."""

import pytest
from django.urls import reverse

from dossiers import lifecycle, payments, services
from dossiers.models import Document, DocumentSource, DossierEvent, OutboxMessage, Role
from tests import factories
from tests.dossiers.citizen_helpers import pdf_upload, private_media, submitted_dossier  # noqa: F401

INTERNAL_NOTE = "Đề nghị lãnh đạo xem kỹ mục 3 (ghi chú nội bộ)"
SEND_BACK_REASON = "Sai số liệu diện tích, chuyên viên tính lại (nội bộ)"


pytestmark = pytest.mark.usefixtures("private_media")


@pytest.fixture
def flow(db):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency], with_fees=50_000)
    citizen = factories.UserFactory()
    desk = factories.officer(agency, Role.DESK_OFFICER)
    specialist = factories.officer(agency, Role.SPECIALIST)
    leader = factories.officer(agency, Role.LEADER)
    dossier = submitted_dossier(citizen, procedure=procedure, agency=agency)
    dossier = services.dossier_receive(dossier=dossier, actor=desk)
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.ASSIGN, actor=desk,
                              reason="Giao chuyên viên Hà xử lý (nội bộ)")
    result = services.dossier_upload_result(dossier=dossier, actor=specialist,
                                            uploaded_file=pdf_upload("ket-qua.pdf"))
    return {"citizen": citizen, "desk": desk, "specialist": specialist, "leader": leader,
            "dossier": dossier, "result": result}


def _routes(document):
    return [reverse("document_download", args=[document.pk]), reverse("document_preview", args=[document.pk]),
            reverse("api_document_file", args=[document.pk])]


def _statuses(client, user, document):
    client.force_login(user)
    return [client.get(url).status_code for url in _routes(document)]


def _api_documents(client, user, dossier):
    client.force_login(user)
    body = client.get(reverse("api_dossier", args=[dossier.code])).json()
    return {d["id"] for d in body["documents"]}, body["events"]


def _pay(dossier, citizen):
    payment, _url = services.payment_start(dossier=dossier, actor=citizen)
    services.payment_confirm(params=payments.provider().notification(payment, success=True, reference="SBX1"))


def test_result_is_not_served_to_the_applicant_while_processing(client, flow):
    result, citizen = flow["result"], flow["citizen"]
    assert _statuses(client, citizen, result) == [404, 404, 404]
    ids, _events = _api_documents(client, citizen, flow["dossier"])
    assert result.pk not in ids
    # The agency's officers work with it.
    assert _statuses(client, flow["desk"], result) == [200, 200, 200]
    assert result.pk in _api_documents(client, flow["leader"], flow["dossier"])[0]


def test_result_waits_for_approval_and_then_for_the_fee(client, flow):
    dossier, citizen, result = flow["dossier"], flow["citizen"], flow["result"]
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.SUBMIT_FOR_APPROVAL, actor=flow["specialist"])
    assert _statuses(client, citizen, result) == [404, 404, 404]
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.APPROVE, actor=flow["leader"])
    assert dossier.fee_amount == 50_000 and dossier.fee_paid_at is None
    assert _statuses(client, citizen, result) == [404, 404, 404]  # approved, fee unpaid
    page = client.get(reverse("dossier_detail", args=[dossier.public_id])).content.decode()
    assert reverse("document_download", args=[result.pk]) not in page
    _pay(dossier, citizen)
    assert _statuses(client, citizen, result) == [200, 200, 200]
    page = client.get(reverse("dossier_detail", args=[dossier.public_id])).content.decode()
    assert reverse("document_download", args=[result.pk]) in page
    assert result.pk in _api_documents(client, citizen, dossier)[0]


def test_applicant_keeps_reading_their_own_uploads(client, flow):
    own = Document.objects.get(dossier=flow["dossier"], source=DocumentSource.UPLOADED)
    assert _statuses(client, flow["citizen"], own) == [200, 200, 200]


def test_internal_comments_stay_among_officers(client, flow):
    dossier, citizen = flow["dossier"], flow["citizen"]
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.SUBMIT_FOR_APPROVAL, actor=flow["specialist"],
                              reason=INTERNAL_NOTE)
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.SEND_BACK, actor=flow["leader"],
                              reason=SEND_BACK_REASON)
    dossier = lifecycle.apply(dossier=dossier, action=lifecycle.Action.REQUEST_SUPPLEMENT, actor=flow["specialist"],
                              reason="Bổ sung bản sao sổ đỏ")
    _ids, events = _api_documents(client, citizen, dossier)
    comments = " ".join(e["comment"] for e in events)
    assert INTERNAL_NOTE not in comments and SEND_BACK_REASON not in comments and "nội bộ" not in comments
    assert "Bổ sung bản sao sổ đỏ" in comments  # addressed to the applicant
    page = client.get(reverse("dossier_detail", args=[dossier.public_id])).content.decode()
    assert INTERNAL_NOTE not in page and SEND_BACK_REASON not in page and "Giao chuyên viên" not in page
    assert "Bổ sung bản sao sổ đỏ" in page
    # Officers of the agency read them all.
    _ids, events = _api_documents(client, flow["leader"], dossier)
    comments = " ".join(e["comment"] for e in events)
    assert INTERNAL_NOTE in comments and SEND_BACK_REASON in comments
    # Each event says who may read its comment.
    audiences = dict(DossierEvent.objects.filter(dossier=dossier).values_list("action", "comment_audience"))
    assert audiences["submit_for_approval"] == audiences["send_back"] == audiences["assign"] == "staff"
    assert audiences["request_supplement"] == "applicant"


def test_internal_comments_are_not_sent_to_the_applicant(flow):
    payloads = [m.payload for m in OutboxMessage.objects.filter(payload__dossier_code=flow["dossier"].code)]
    assign = [p for p in payloads if p.get("action") == "assign"]
    assert assign, "the assignment is notified"
    assert all("nội bộ" not in (p.get("reason") or "") for p in payloads)
