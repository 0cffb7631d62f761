"""The population-registry look-up at the counter through the desk API (issue 17, leftover of item 2):
`POST /api/v1/desk/registry-lookups/` returns the registry's values, the papers they prove and a look-up
id; `registry_lookup` on `POST /api/v1/desk/intake/` applies it under the page's rules (this officer, this
procedure, this ID number, 2 hours, one dossier; audited)."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from dossiers import lifecycle
from dossiers.models import Dossier, DossierEvent, RegistryLookup, Status
from dossiers.sandbox_people import BY_ID_NUMBER
from procedures.models import RegistryProof, RequiredDocument
from tests import factories
from tests.dossiers.citizen_helpers import private_media  # noqa: F401
from tests.dossiers.desk_helpers import at_monday  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_monday", "private_media")]

AN = "042090000001"


@pytest.fixture
def procedure(agency):
    procedure = factories.ProcedureFactory(agencies=[agency], online_mode="none", form_schema=[
        {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True, "registry": "full_name"},
        {"name": "purpose", "label": "Mục đích", "type": "text", "required": True},
    ])
    RequiredDocument.objects.create(procedure=procedure, name="Xác nhận thông tin về cư trú", required=True,
                                    kinds=["pdf"], registry_proof=RegistryProof.RESIDENCE, position=1)
    return procedure


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _look_up(api, procedure, agency, number=AN):
    return api.post("/api/v1/desk/registry-lookups/", {"id_number": number, "procedure": procedure.code,
                                                       "agency": agency.code}, format="json")


def _intake(api, procedure, agency, lookup, **extra):
    papers = [d.pk for d in procedure.documents.filter(registry_proof="")]
    return api.post("/api/v1/desk/intake/", {
        "procedure": procedure.code, "agency": agency.code, "channel": "counter", "registry_lookup": lookup,
        "applicant_phone": "0912000111", "form_data": {"purpose": "Kết hôn", "full_name": "Tên gõ khác"},
        "paper_documents": papers, **extra}, format="json")


def test_a_look_up_fills_the_intake_and_waives_the_residence_paper(procedure, agency, desk_officer):
    person = BY_ID_NUMBER[AN]
    residence = procedure.documents.get(registry_proof=RegistryProof.RESIDENCE)
    api = _api(desk_officer)
    response = _look_up(api, procedure, agency)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["applicant"]["applicant_name"] == person.full_name and body["form"]["full_name"] == person.full_name
    assert body["waived_documents"] == [{"id": residence.pk, "name": residence.name}]
    lookup = RegistryLookup.objects.get(pk=body["lookup"])
    assert (lookup.actor, lookup.agency, lookup.outcome, lookup.dossier) == (desk_officer, agency, "found", None)

    intake = _intake(api, procedure, agency, body["lookup"], applicant_name="Tên gõ lại")
    assert intake.status_code == 201, intake.content
    dossier = Dossier.objects.get(code=intake.json()["code"])
    assert dossier.status == Status.RECEIVED
    assert (dossier.applicant_name, dossier.applicant_id_number) == (person.full_name, AN)
    assert dossier.form_data == {"full_name": person.full_name, "purpose": "Kết hôn"}
    assert dossier.registry_prefill["at_counter"] and residence.pk not in {
        d.required_document_id for d in dossier.documents.all()}
    assert DossierEvent.objects.get(dossier=dossier, action=lifecycle.Recorded.REGISTRY_LOOKUP).actor == desk_officer
    lookup.refresh_from_db()
    assert lookup.dossier == dossier
    # One dossier per look-up.
    again = _intake(api, procedure, agency, body["lookup"])
    assert again.status_code == 400 and "registry_lookup" in again.json()["errors"]


def test_another_officers_look_up_is_refused(procedure, agency, desk_officer):
    lookup = _look_up(_api(desk_officer), procedure, agency).json()["lookup"]
    other = _api(factories.officer(agency, "desk_officer"))
    response = _intake(other, procedure, agency, lookup)
    assert response.status_code == 400 and "registry_lookup" in response.json()["errors"]
    assert not Dossier.objects.exists()


def test_a_changed_id_number_is_refused(procedure, agency, desk_officer):
    api = _api(desk_officer)
    lookup = _look_up(api, procedure, agency).json()["lookup"]
    response = _intake(api, procedure, agency, lookup, applicant_id_number="042000000777")
    assert response.status_code == 400 and "Hãy tra cứu lại" in response.json()["detail"]
    assert not Dossier.objects.exists()


def test_a_look_up_older_than_two_hours_is_refused(procedure, agency, desk_officer):
    api = _api(desk_officer)
    lookup = _look_up(api, procedure, agency).json()["lookup"]
    with time_machine.travel(dt.timedelta(hours=2, minutes=1)):
        response = _intake(api, procedure, agency, lookup)
    assert response.status_code == 400 and not Dossier.objects.exists()


def test_without_the_look_up_the_residence_paper_is_asked(procedure, agency, desk_officer):
    residence = procedure.documents.get(registry_proof=RegistryProof.RESIDENCE)
    response = _intake(_api(desk_officer), procedure, agency, None, applicant_name="Nguyễn Văn An")
    assert response.status_code == 400 and f"doc_{residence.pk}" in response.json()["errors"]


def test_a_registry_that_does_not_answer_gets_503(settings, procedure, agency, desk_officer):
    settings.POPULATION_REGISTRY = "dossiers.registry.HttpRegistry"
    settings.POPULATION_REGISTRY_URL = "http://127.0.0.1:9/persons"  # nothing listens on the discard port
    settings.POPULATION_REGISTRY_TIMEOUT = 2
    response = _look_up(_api(desk_officer), procedure, agency)
    assert response.status_code == 503
    assert "Không kết nối được Cơ sở dữ liệu quốc gia về dân cư" in response.json()["detail"]
    assert RegistryLookup.objects.get().outcome == "unavailable"


def test_unknown_and_malformed_numbers(procedure, agency, desk_officer):
    api = _api(desk_officer)
    unknown = _look_up(api, procedure, agency, "042000009999")
    assert unknown.status_code == 404 and "Không tìm thấy số định danh 042000009999" in unknown.json()["detail"]
    malformed = _look_up(api, procedure, agency, "04209")
    assert malformed.status_code == 400 and "id_number" in malformed.json()["errors"]
    assert RegistryLookup.objects.count() == 1


def test_a_specialist_cannot_look_up(procedure, agency):
    response = _look_up(_api(factories.officer(agency, "specialist")), procedure, agency)
    assert response.status_code == 404
    assert not RegistryLookup.objects.exists()


def test_the_schema_documents_the_look_up():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/desk/registry-lookups/" in schema["paths"]
    assert "registry_lookup" in schema["components"]["schemas"]["IntakeInput"]["properties"]
