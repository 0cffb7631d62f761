"""Prefill from the population registry (issue 17 item 2): a verified applicant's new dossier takes the
registry's data (marked and locked), papers the registry proves are not asked for, every look-up is
audited, and a registry that cannot answer leaves manual entry with a translated message."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers import lifecycle, registry, services
from dossiers.models import Dossier, DossierEvent, IdentityLink
from dossiers.sandbox_people import BY_ID_NUMBER
from dossiers.validation import check_complete, missing_documents
from procedures.models import RegistryProof, RequiredDocument
from tests import factories

AN = "042090000001"


@pytest.fixture
def verified(db):
    """A citizen signed in through VNeID as Nguyễn Văn An (level 2), whose account had other data."""
    user = factories.UserFactory(full_name="An (tự khai)", id_number="", address="")
    IdentityLink.objects.create(user=user, issuer="https://vneid.example", subject="s-an", id_number=AN,
                                assurance_level=2, verified_at=timezone.now())
    return user


@pytest.fixture
def procedure(db):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency], form_schema=[
        {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True, "registry": "full_name"},
        {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True, "registry": "birth_date"},
        {"name": "purpose", "label": "Mục đích", "type": "text", "required": True},
    ])
    RequiredDocument.objects.create(procedure=procedure, name="Xác nhận thông tin về cư trú", required=True,
                                    kinds=["pdf"], registry_proof=RegistryProof.RESIDENCE)
    return procedure


def _start(client, user, procedure):
    client.force_login(user)
    response = client.post(reverse("dossier_start", args=[procedure.code]), {"agency": procedure.agencies.get().pk})
    assert response.status_code == 302
    return Dossier.objects.filter(applicant=user).latest("id"), response


def test_a_verified_applicants_dossier_is_prefilled_marked_and_locked(client, verified, procedure):
    dossier, _response = _start(client, verified, procedure)
    person = BY_ID_NUMBER[AN]
    assert (dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_address) == (
        person.full_name, AN, person.address)
    assert dossier.form_data == {"full_name": person.full_name, "birth_date": person.birth_date.isoformat()}
    assert dossier.registry_prefill["form"] == ["birth_date", "full_name"]
    # Locked: a value typed over a registry field is not kept; the other fields are saved.
    services.dossier_save_form(dossier=dossier, actor=verified, data={"full_name": "Tên khác", "purpose": "Kết hôn"})
    dossier.refresh_from_db()
    assert dossier.form_data["full_name"] == person.full_name and dossier.form_data["purpose"] == "Kết hôn"
    form_page = client.get(reverse("dossier_form", args=[dossier.public_id])).content.decode()
    assert "readonly" in form_page and "Từ Cơ sở dữ liệu quốc gia về dân cư" in form_page
    review = client.get(reverse("dossier_review", args=[dossier.public_id])).content.decode()
    assert review.count("từ CSDL dân cư") >= 4  # name, ID number, address, two form fields
    assert "không phải nộp, đã khai thác từ CSDL quốc gia về dân cư" in review


def test_a_paper_the_registry_proves_is_not_asked_for(client, verified, procedure):
    dossier, _response = _start(client, verified, procedure)
    services.dossier_save_form(dossier=dossier, actor=verified, data={"purpose": "Kết hôn"})
    dossier.refresh_from_db()
    residence = procedure.documents.get(registry_proof=RegistryProof.RESIDENCE)
    assert residence not in missing_documents(dossier)
    assert not [p for p in check_complete(dossier) if "cư trú" in str(p)]
    page = client.get(reverse("dossier_documents", args=[dossier.public_id])).content.decode()
    assert "Không phải nộp: thông tin đã được khai thác" in page
    assert f'name="file_{residence.pk}"' not in page


def test_every_look_up_is_audited(client, verified, procedure):
    dossier, _response = _start(client, verified, procedure)
    event = DossierEvent.objects.get(dossier=dossier, action=lifecycle.Recorded.REGISTRY_LOOKUP)
    assert event.actor == verified and event.data["outcome"] == "found"
    assert set(event.data["fields"]) >= {"applicant_name", "full_name"} and event.ip_address


def test_an_account_without_a_verified_identity_is_not_looked_up(client, procedure):
    user = factories.UserFactory(id_number=AN)  # claims An's number, never verified
    dossier, _response = _start(client, user, procedure)
    assert dossier.registry_prefill == {} and dossier.applicant_name == user.full_name
    assert not DossierEvent.objects.filter(dossier=dossier, action=lifecycle.Recorded.REGISTRY_LOOKUP).exists()


def test_a_registry_that_cannot_answer_leaves_manual_entry(client, settings, verified, procedure):
    settings.POPULATION_REGISTRY = "dossiers.registry.HttpRegistry"
    settings.POPULATION_REGISTRY_URL = "http://127.0.0.1:9/persons"  # nothing listens on the discard port
    settings.POPULATION_REGISTRY_TIMEOUT = 2
    dossier, response = _start(client, verified, procedure)
    page = client.get(response["Location"]).content.decode()
    assert "Không kết nối được Cơ sở dữ liệu quốc gia về dân cư" in page
    assert dossier.registry_prefill == {} and dossier.form_data == {}
    assert dossier.applicant_name == "An (tự khai)"
    residence = procedure.documents.get(registry_proof=RegistryProof.RESIDENCE)
    assert residence in missing_documents(dossier)  # the paper is asked for again
    event = DossierEvent.objects.get(dossier=dossier, action=lifecycle.Recorded.REGISTRY_LOOKUP)
    assert event.data["outcome"] == "unavailable"


def test_an_unknown_person_and_a_bad_number_get_nothing(settings, db):
    assert registry.get_person("042000009999") is None
    assert registry.get_person("12345") is None
    settings.DEBUG, settings.ALLOW_SANDBOX = False, False
    with pytest.raises(registry.RegistryUnavailable):
        registry.get_person(AN)


@pytest.fixture
def gateway():
    """A small HTTP server standing for the registry gateway: An is known, 042000000500 makes it fail,
    042000000600 answers about someone else, anyone else is 404. Yields its base URL."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    person = BY_ID_NUMBER[AN]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            wanted = self.path.rsplit("/", 1)[-1]
            if self.headers.get("Authorization") != "Bearer gateway-token":
                status, body = 401, {}
            elif wanted == AN:
                status, body = 200, {"id_number": AN, "full_name": person.full_name,
                                     "birth_date": person.birth_date.isoformat(), "address": person.address}
            elif wanted == "042000000500":
                status, body = 500, {}
            elif wanted == "042000000600":
                status, body = 200, {"id_number": AN, "full_name": "Người khác", "birth_date": "1990-01-01"}
            else:
                status, body = 404, {}
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/persons"
    server.shutdown()


def test_the_http_registry_reads_the_gateways_answer(settings, gateway):
    settings.POPULATION_REGISTRY = "dossiers.registry.HttpRegistry"
    settings.POPULATION_REGISTRY_URL = gateway
    settings.POPULATION_REGISTRY_TOKEN = "gateway-token"
    record = registry.get_person(AN)
    assert record.full_name == BY_ID_NUMBER[AN].full_name and record.birth_date == BY_ID_NUMBER[AN].birth_date
    assert set(record.proves) == {RegistryProof.IDENTITY, RegistryProof.RESIDENCE}
    assert registry.get_person("042000000404") is None
    for broken in ("042000000500", "042000000600"):
        with pytest.raises(registry.RegistryUnavailable):
            registry.get_person(broken)
    settings.POPULATION_REGISTRY_TOKEN = "wrong"
    with pytest.raises(registry.RegistryUnavailable):
        registry.get_person(AN)


def test_the_api_prefills_a_draft_too_and_keeps_registry_fields_locked(verified, procedure):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(verified)
    response = api.post("/api/v1/dossiers/", {"procedure": procedure.code, "agency": procedure.agencies.get().code,
                                              "form_data": {"full_name": "Tên khác", "purpose": "Kết hôn"}},
                        format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["registry_prefill"]["form"] == ["birth_date", "full_name"]
    dossier = Dossier.objects.get(applicant=verified)
    assert dossier.form_data["full_name"] == BY_ID_NUMBER[AN].full_name and dossier.form_data["purpose"] == "Kết hôn"
