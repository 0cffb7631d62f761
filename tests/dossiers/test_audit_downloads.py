"""Every file of a dossier served to an official is audited (who, when, IP, which document); the
applicant's own downloads are not, and the audit records never change the dossier or its timeline."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dossiers.models import Document, DocumentSource, Dossier, DossierEvent
from tests import factories
from tests.dossiers.citizen_helpers import private_media, submitted_dossier  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

OFFICE = "198.51.100.20"


@pytest.fixture
def dossier(citizen, procedure):
    return submitted_dossier(citizen, procedure=procedure)


@pytest.fixture
def document(dossier):
    return Document.objects.get(dossier=dossier, source=DocumentSource.UPLOADED)


def _downloads(dossier):
    return list(DossierEvent.objects.filter(dossier_id=dossier.pk, action="download").order_by("id"))


def _fetch(response):
    return b"".join(response.streaming_content)


def test_an_officer_opening_a_file_on_the_desk_page_is_recorded(client, dossier, document, desk_officer):
    before = Dossier.objects.get(pk=dossier.pk)
    client.force_login(desk_officer)
    response = client.get(reverse("desk:document", args=[dossier.code, document.pk]), REMOTE_ADDR=OFFICE)
    assert response.status_code == 200 and _fetch(response).startswith(b"%PDF")
    [event] = _downloads(dossier)
    assert (event.actor, event.ip_address, event.agency_id) == (desk_officer, OFFICE, dossier.handling_agency_id)
    assert event.data["document_id"] == document.pk and event.data["inline"] is True
    assert document.name in event.comment and document.original_name in event.comment
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert event.from_status == event.to_status == before.status


def test_an_officer_downloading_through_the_api_link_is_recorded(dossier, document, desk_officer):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=desk_officer).key}")
    detail = api.get(f"/api/v1/dossiers/{dossier.code}/").json()
    [listed] = [d for d in detail["documents"] if d["id"] == document.pk]
    response = api.get(listed["download_url"], REMOTE_ADDR=OFFICE)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    _fetch(response)
    [event] = _downloads(dossier)
    assert (event.actor, event.ip_address, event.data["document_id"], event.data["inline"]) == (
        desk_officer, OFFICE, document.pk, False)


def test_the_monitor_previewing_a_result_is_recorded(client, dossier, monitor):
    result = Document.objects.create(dossier=dossier, name="Kết quả", original_name="ket-qua.pdf",
                                     content_type="application/pdf", source=DocumentSource.RESULT)
    result.file.save("ket-qua.pdf", Document.objects.get(dossier=dossier, source="uploaded").file, save=True)
    client.force_login(monitor)
    response = client.get(reverse("document_preview", args=[result.pk]), REMOTE_ADDR=OFFICE)
    assert response.status_code == 200
    [event] = _downloads(dossier)
    assert (event.actor, event.data["document_id"], event.data["source"], event.data["inline"]) == (
        monitor, result.pk, "result", True)


def test_the_applicant_downloading_their_own_file_is_not_recorded(client, citizen, dossier, document):
    client.force_login(citizen)
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 200
    assert client.get(reverse("document_preview", args=[document.pk])).status_code == 200
    assert _downloads(dossier) == []


def test_a_refused_download_is_not_recorded_as_one(client, dossier, document, other_citizen):
    stranger = factories.officer(factories.AgencyFactory(), "desk_officer")
    for user in (other_citizen, stranger):
        client.force_login(user)
        assert client.get(reverse("document_download", args=[document.pk])).status_code == 404
    assert _downloads(dossier) == []


def test_downloads_stay_out_of_the_dossiers_timelines(client, citizen, dossier, document, desk_officer):
    client.force_login(desk_officer)
    _fetch(client.get(reverse("desk:document", args=[dossier.code, document.pk])))
    assert len(_downloads(dossier)) == 1
    desk_page = client.get(reverse("desk:dossier", args=[dossier.code]))
    assert [e.action for e in desk_page.context["events"]] == ["submit"]
    client.force_login(citizen)
    citizen_page = client.get(reverse("dossier_detail", args=[dossier.public_id]))
    assert [e.action for e in citizen_page.context["events"]] == ["submit"]
    api = APIClient()
    api.force_authenticate(citizen)
    assert [e["action"] for e in api.get(f"/api/v1/dossiers/{dossier.public_id}/").json()["events"]] == ["submit"]


def test_the_monitor_finds_downloads_by_action_and_officer(client, dossier, document, desk_officer, monitor):
    client.force_login(desk_officer)
    _fetch(client.get(reverse("desk:document", args=[dossier.code, document.pk]), REMOTE_ADDR=OFFICE))
    client.force_login(monitor)
    response = client.get(reverse("audit_log"), {"action": "download", "actor": desk_officer.email})
    [event] = response.context["events"]
    assert event.data["document_id"] == document.pk
    body = response.content.decode()
    assert OFFICE in body and document.original_name in body and "Cán bộ xem, tải giấy tờ" in body
    assert client.get(reverse("audit_log"), {"action": "submit", "actor": desk_officer.email}).context["events"] == []


def test_an_officer_printing_a_dossier_document_is_recorded_out_of_the_timeline(client, dossier, desk_officer):
    from tests.dossiers.citizen_helpers import desk_receive

    dossier, _officer = desk_receive(dossier)
    before = Dossier.objects.get(pk=dossier.pk)
    client.force_login(desk_officer)
    for fmt_url in (reverse("desk:print", args=[dossier.code, "tiep-nhan"]),
                    reverse("desk:print_pdf", args=[dossier.code, "tiep-nhan"])):
        assert client.get(fmt_url, REMOTE_ADDR=OFFICE).status_code == 200
    prints = DossierEvent.objects.filter(dossier_id=dossier.pk, action="print").order_by("id")
    assert [(e.actor, e.ip_address, e.data) for e in prints] == [
        (desk_officer, OFFICE, {"document": "tiep-nhan", "format": "html"}),
        (desk_officer, OFFICE, {"document": "tiep-nhan", "format": "pdf"})]
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.status, after.version) == (before.status, before.version)
    assert not DossierEvent.objects.filter(dossier_id=dossier.pk).timeline().filter(action="print").exists()
    assert client.get(reverse("desk:print", args=[dossier.code, "khong-co"])).status_code == 404
    assert prints.count() == 2  # a refused print is not recorded as one
