"""Every state change records the client IP of the request that made it, read in one place."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from dossiers import services
from dossiers.models import Dossier, DossierEvent, Status
from portal.client_ip import client_ip, current_client_ip
from tests.dossiers.citizen_helpers import pdf_upload, private_media, required  # noqa: F401
from tests.dossiers.desk_helpers import at_monday, submitted  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media", "at_monday")]

CLIENT = "203.0.113.7"


def _ready_draft(citizen, procedure):
    dossier = services.dossier_start_online(procedure=procedure, agency=procedure.agencies.first(), applicant=citizen)
    services.dossier_save_form(dossier=dossier, actor=citizen, data={"full_name": "Nguyễn Văn A"})
    services.document_upload(dossier=dossier, actor=citizen, uploaded=pdf_upload(), required_document=required(dossier))
    return dossier


def _event(dossier, action):
    return DossierEvent.objects.get(dossier_id=dossier.pk, action=action)


def test_a_desk_page_action_records_the_officers_ip(client, procedure, desk_officer):
    dossier = submitted(procedure)
    client.force_login(desk_officer)
    response = client.post(reverse("desk:action", args=[dossier.code, "receive"]), {"version": dossier.version},
                           REMOTE_ADDR=CLIENT)
    assert response.status_code == 302
    event = _event(dossier, "receive")
    assert (event.ip_address, event.actor) == (CLIENT, desk_officer)


def test_a_citizen_page_submission_records_the_citizens_ip(client, citizen, procedure):
    dossier = _ready_draft(citizen, procedure)
    client.force_login(citizen)
    client.post(reverse("dossier_review", args=[dossier.public_id]), REMOTE_ADDR=CLIENT)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED
    event = _event(dossier, "submit")
    assert (event.ip_address, event.actor) == (CLIENT, citizen)


def test_a_citizen_api_submission_records_the_citizens_ip(citizen, procedure):
    dossier = _ready_draft(citizen, procedure)
    api = APIClient()
    api.force_authenticate(citizen)
    response = api.post(f"/api/v1/dossiers/{dossier.public_id}/submit/", REMOTE_ADDR=CLIENT)
    assert response.status_code == 200, response.data
    assert _event(dossier, "submit").ip_address == CLIENT


def test_a_desk_api_action_records_the_officers_ip(procedure, desk_officer):
    dossier = submitted(procedure)
    api = APIClient()
    api.force_authenticate(desk_officer)
    response = api.post(f"/api/v1/dossiers/{dossier.code}/receive/", {"version": dossier.version}, REMOTE_ADDR=CLIENT)
    assert response.status_code == 200, response.data
    assert _event(dossier, "receive").ip_address == CLIENT


def test_an_explicit_ip_wins_and_no_request_means_no_ip(procedure, desk_officer):
    dossier = submitted(procedure)
    assert _event(dossier, "submit").ip_address is None  # written outside any request
    services.dossier_receive(dossier=dossier, actor=desk_officer, ip_address="198.51.100.9")
    assert _event(dossier, "receive").ip_address == "198.51.100.9"


def test_the_request_ip_does_not_outlive_the_request(client, citizen):
    client.force_login(citizen)
    client.get(reverse("my_dossiers"), REMOTE_ADDR=CLIENT)
    assert current_client_ip() is None


# --- reading the address -----------------------------------------------------------------------------
def _request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_x_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(forwarded=CLIENT)) == "10.0.0.2"


def test_behind_trusted_proxies_the_address_they_saw_is_the_clients(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged a first entry; the proxy appended the address it really received from.
    assert client_ip(_request(forwarded=f"1.2.3.4, {CLIENT}")) == CLIENT
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded=f"1.2.3.4, {CLIENT}, 10.0.0.1")) == CLIENT


def test_a_short_or_broken_forwarded_header_falls_back_to_the_socket_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(forwarded=CLIENT)) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded="not-an-ip")) == "10.0.0.2"
    assert client_ip(_request(remote="")) is None
