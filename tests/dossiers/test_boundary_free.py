"""Submission at any competent centre of the province for a procedure received regardless of
administrative boundaries (không phụ thuộc địa giới hành chính, Decree 118/2025/NĐ-CP): the citizen (page
and API) and the counter pick the receiving centre; the dossier is routed to the deciding agency at receipt
and counted for the receiving centre in the monthly statistics."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from dossiers import lifecycle, services
from dossiers.models import Dossier, DossierEvent, Status
from tests import factories
from tests.dossiers.desk_helpers import VN, _fast_passwords  # noqa: F401 (autouse fixture)
from tests.dossiers.test_desk_pages import intake_data, intake_url

MON = dt.datetime(2026, 11, 2, 9, 40, tzinfo=VN)


@pytest.fixture
def two_centres(db):
    home, elsewhere = factories.AgencyFactory(), factories.AgencyFactory()
    free = factories.ProcedureFactory(agencies=[home, elsewhere], boundary_free=True)
    bound = factories.ProcedureFactory(agencies=[home, elsewhere])
    return {"home": home, "elsewhere": elsewhere, "free": free, "bound": bound,
            "desk_elsewhere": factories.officer(elsewhere, "desk_officer"),
            "specialist_home": factories.officer(home, "specialist")}


def test_citizen_submits_at_another_centre_and_the_dossier_is_routed_to_the_deciding_agency(client, two_centres):
    c = two_centres
    citizen = factories.UserFactory()
    client.force_login(citizen)
    url = reverse("dossier_start", args=[c["free"].code])
    page = client.get(url).content.decode()
    assert "không phụ thuộc địa giới hành chính" in page and "Nơi nhận kết quả" in page
    response = client.post(url, {"agency": c["home"].pk, "receiving_agency": c["elsewhere"].pk,
                                 "result_delivery": "desk"})
    assert response.status_code == 302, response.content.decode()[:1500]
    dossier = Dossier.objects.get(applicant=citizen)
    assert (dossier.receiving_agency, dossier.handling_agency, dossier.deciding_agency) == (
        c["elsewhere"], c["elsewhere"], c["home"])
    assert dossier.result_delivery == "desk"
    with time_machine.travel(MON, tick=False):
        dossier = services.dossier_submit(dossier=dossier, actor=citizen)
        assert dossier.code.startswith(c["elsewhere"].code)  # numbered by the receiving centre
        # The receiving centre's desk takes it in; the deciding agency now holds it.
        dossier = services.dossier_receive(dossier=dossier, actor=c["desk_elsewhere"])
    assert dossier.status == Status.RECEIVED and dossier.code.startswith(c["elsewhere"].code)
    assert dossier.receiving_agency == c["elsewhere"] and dossier.handling_agency == c["home"]
    assert DossierEvent.objects.get(dossier=dossier, action="receive").agency == c["elsewhere"]
    client.force_login(c["desk_elsewhere"])
    page = client.get(reverse("desk:dossier", args=[dossier.code])).content.decode()
    assert c["home"].name in page and "Tại Bộ phận Một cửa" in page
    assert Dossier.objects.visible_to(c["specialist_home"]).filter(pk=dossier.pk).exists()
    assert Dossier.objects.visible_to(c["desk_elsewhere"]).filter(pk=dossier.pk).exists()


def test_a_procedure_bound_to_its_agency_is_refused_elsewhere_page_and_api(client, two_centres):
    c = two_centres
    citizen = factories.UserFactory()
    client.force_login(citizen)
    page = client.get(reverse("dossier_start", args=[c["bound"].code])).content.decode()
    assert 'name="receiving_agency"' not in page
    with pytest.raises(lifecycle.LifecycleError):
        services.dossier_start_online(procedure=c["bound"], agency=c["home"], applicant=citizen,
                                      receiving_agency=c["elsewhere"])
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    rest = APIClient()
    rest.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=citizen).key}")
    api = rest.post("/api/v1/dossiers/", {"procedure": c["bound"].code, "agency": c["home"].code,
                                          "receiving_agency": c["elsewhere"].code}, format="json")
    assert api.status_code == 400 and "không tiếp nhận tại Bộ phận Một cửa khác" in api.json()["detail"]
    ok = rest.post("/api/v1/dossiers/", {"procedure": c["free"].code, "agency": c["home"].code,
                                         "receiving_agency": c["elsewhere"].code, "result_delivery": "postal",
                                         "result_address": "12 Trần Phú, Hà Tĩnh"}, format="json")
    assert ok.status_code == 201, ok.content
    assert (ok.json()["agency"], ok.json()["deciding_agency"], ok.json()["result_delivery"]) == (
        c["elsewhere"].code, c["home"].code, "postal")


def test_the_counter_takes_in_for_another_deciding_agency_and_the_statistics_credit_the_receiving_centre(
        client, two_centres):
    from reports import services as report_services
    from reports.models import MonthlyAgencyStat

    c = two_centres
    client.force_login(c["desk_elsewhere"])
    with time_machine.travel(MON, tick=False):
        form = client.get(intake_url(c["free"], c["elsewhere"], "counter")).content.decode()
        assert 'name="deciding_agency"' in form
        response = client.post(intake_url(c["free"], c["elsewhere"], "counter"),
                               intake_data(c["free"], deciding_agency=c["home"].pk))
        assert response.status_code == 302, response.content.decode()[:2000]
        bound = client.get(intake_url(c["bound"], c["elsewhere"], "counter")).content.decode()
        assert 'name="deciding_agency"' not in bound
    dossier = Dossier.objects.get()
    assert (dossier.receiving_agency, dossier.handling_agency) == (c["elsewhere"], c["home"])
    report_services.month_compute(month=dt.date(2026, 11, 1))
    rows = {r.agency_id: r.received for r in MonthlyAgencyStat.objects.filter(month=dt.date(2026, 11, 1))}
    assert rows.get(c["elsewhere"].pk) == 1 and rows.get(c["home"].pk, 0) == 0
