"""Prefill from the population registry at counter intake (issue 17 item 2, at the desk): the officer types
the applicant's personal ID number, the registry's fields are filled and locked, the papers the record
proves are not asked for, every look-up is audited (RegistryLookup, then an event of the dossier), and a
registry that cannot answer, or does not know the number, leaves manual entry with a message."""

import re

import pytest
from django.urls import reverse

from dossiers import lifecycle
from dossiers.models import Dossier, DossierEvent, RegistryLookup, Status
from dossiers.sandbox_people import BY_ID_NUMBER
from procedures.models import RegistryProof, RequiredDocument
from tests import factories
from tests.dossiers.citizen_helpers import private_media  # noqa: F401
from tests.dossiers.desk_helpers import at_monday, pdf_file  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_monday", "private_media")]

AN = "042090000001"


@pytest.fixture
def procedure(agency):
    procedure = factories.ProcedureFactory(agencies=[agency], online_mode="none", form_schema=[
        {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True, "registry": "full_name"},
        {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True, "registry": "birth_date"},
        {"name": "purpose", "label": "Mục đích", "type": "text", "required": True},
    ])
    RequiredDocument.objects.create(procedure=procedure, name="Xác nhận thông tin về cư trú", required=True,
                                    kinds=["pdf"], registry_proof=RegistryProof.RESIDENCE, position=1)
    RequiredDocument.objects.create(procedure=procedure, name="Đơn đề nghị tại quầy", required=True, kinds=["pdf"], position=0)
    return procedure


def _url(procedure, agency):
    return f"{reverse('desk:intake')}?procedure={procedure.pk}&agency={agency.pk}&channel=counter"


def _token(html):
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _paper_ticks(procedure, *skip):
    """ "Chỉ có bản giấy" for the factory's own papers (the test is about the others)."""
    return {f"paper_{d.pk}": "on" for d in procedure.documents.filter(registry_proof="") if d not in skip}


def _look_up(client, procedure, agency, number):
    token = _token(client.get(_url(procedure, agency)).content.decode())
    response = client.post(_url(procedure, agency), {"form_token": token, "registry_id_number": number,
                                                      "lookup_registry": "1"})
    return token, response, response.content.decode()


def test_the_officer_looks_the_applicant_up_and_the_dossier_takes_the_registrys_data(client, procedure, agency,
                                                                                     desk_officer):
    person = BY_ID_NUMBER[AN]
    residence = procedure.documents.get(registry_proof=RegistryProof.RESIDENCE)
    form_paper = procedure.documents.get(name="Đơn đề nghị tại quầy")
    client.force_login(desk_officer)
    token, response, html = _look_up(client, procedure, agency, AN)
    assert response.status_code == 200
    assert f'value="{person.full_name}"' in html and f'value="{person.address}"' in html
    assert re.search(r'name="applicant_name"[^>]*readonly', html) and re.search(r'name="f-full_name"[^>]*readonly', html)
    assert f'value="{person.birth_date:%d/%m/%Y}"' in html  # form dates are shown dd/mm/yyyy (issue 21 item 6)
    assert "không phải nộp, đã khai thác từ CSDL quốc gia về dân cư" in html
    assert f'name="doc_{residence.pk}"' not in html and f'name="doc_{form_paper.pk}"' in html
    lookup = RegistryLookup.objects.get()
    assert (lookup.actor, lookup.agency, lookup.id_number, lookup.outcome) == (desk_officer, agency, AN, "found")
    assert lookup.ip_address and "applicant_name" in lookup.fields and lookup.dossier is None

    # Sent with other values typed over the locked fields: the registry's stay; no residence paper needed.
    response = client.post(_url(procedure, agency), {
        "form_token": token, "applicant_name": "Tên gõ lại", "applicant_id_number": AN,
        "applicant_address": "Địa chỉ khác", "applicant_phone": "0912000111",
        "f-full_name": "Tên khác", "f-birth_date": "2000-01-01", "f-purpose": "Kết hôn",
        f"doc_{form_paper.pk}": pdf_file("to-khai.pdf"), **_paper_ticks(procedure, form_paper)})
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED
    assert (dossier.applicant_name, dossier.applicant_address) == (person.full_name, person.address)
    assert dossier.form_data["full_name"] == person.full_name
    assert dossier.form_data["birth_date"] == person.birth_date.isoformat() and dossier.form_data["purpose"] == "Kết hôn"
    assert dossier.registry_prefill["at_counter"] is True and "residence" in dossier.registry_prefill["proves"]
    assert residence.pk not in {d.required_document_id for d in dossier.documents.all()}
    assert dossier.documents.get(required_document=form_paper).source == "scanned"
    event = DossierEvent.objects.get(dossier=dossier, action=lifecycle.Recorded.REGISTRY_LOOKUP)
    assert event.actor == desk_officer and event.data["at_counter"] and event.data["lookup"] == lookup.pk
    lookup.refresh_from_db()
    assert lookup.dossier == dossier


def test_a_changed_id_number_drops_the_prefill_and_asks_for_the_paper(client, procedure, agency, desk_officer):
    residence = procedure.documents.get(registry_proof=RegistryProof.RESIDENCE)
    form_paper = procedure.documents.get(name="Đơn đề nghị tại quầy")
    client.force_login(desk_officer)
    token, _response, _html = _look_up(client, procedure, agency, AN)
    response = client.post(_url(procedure, agency), {
        "form_token": token, "applicant_name": "Người khác", "applicant_id_number": "042000000777",
        "f-full_name": "Người khác", "f-birth_date": "2000-01-01", "f-purpose": "Kết hôn",
        f"doc_{form_paper.pk}": pdf_file("to-khai.pdf"), **_paper_ticks(procedure, form_paper)})
    assert response.status_code == 400 and not Dossier.objects.exists()
    html = response.content.decode()
    assert f'name="doc_{residence.pk}"' in html and "Hãy quét giấy tờ này" in html


@pytest.mark.parametrize(("number", "outcome", "message"), [
    ("042000009999", "not_found", "Không tìm thấy số định danh 042000009999"),
    (AN, "unavailable", "Không kết nối được Cơ sở dữ liệu quốc gia về dân cư"),
])
def test_a_registry_without_an_answer_leaves_manual_entry(client, settings, procedure, agency, desk_officer,
                                                          number, outcome, message):
    if outcome == "unavailable":
        settings.POPULATION_REGISTRY = "dossiers.registry.HttpRegistry"
        settings.POPULATION_REGISTRY_URL = "http://127.0.0.1:9/persons"  # nothing listens on the discard port
        settings.POPULATION_REGISTRY_TIMEOUT = 2
    residence = procedure.documents.get(registry_proof=RegistryProof.RESIDENCE)
    client.force_login(desk_officer)
    _token_value, response, html = _look_up(client, procedure, agency, number)
    assert response.status_code == 200 and message in html
    assert not re.search(r'name="applicant_name"[^>]*readonly', html)
    assert f'name="doc_{residence.pk}"' in html  # the paper is asked for
    assert RegistryLookup.objects.get().outcome == outcome


def test_a_malformed_number_is_refused_and_not_looked_up(client, procedure, agency, desk_officer):
    client.force_login(desk_officer)
    _token_value, response, html = _look_up(client, procedure, agency, "04209")
    assert response.status_code == 400 and "Số định danh cá nhân gồm 12 chữ số." in html
    assert not RegistryLookup.objects.exists()


def test_another_officers_look_up_does_not_serve(client, procedure, agency, desk_officer):
    """The look-up stands only for the officer who made it (and the intake it was made for)."""
    from dossiers import services

    prefill, _message = services.registry_lookup_at_counter(id_number=AN, agency=agency, procedure=procedure,
                                                            actor=desk_officer)
    other = factories.officer(agency, "desk_officer")
    assert services.counter_prefill_valid(prefill, actor=desk_officer, procedure=procedure, id_number=AN)
    assert not services.counter_prefill_valid(prefill, actor=other, procedure=procedure, id_number=AN)
    specialist = factories.officer(agency, "specialist")
    with pytest.raises(Exception, match="Chỉ cán bộ Một cửa"):
        services.registry_lookup_at_counter(id_number=AN, agency=agency, procedure=procedure, actor=specialist)
