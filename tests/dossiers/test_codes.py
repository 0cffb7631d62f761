"""Dossier codes under concurrency: real threads, real PostgreSQL."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier
from tests import factories
from tests.dossiers.citizen_helpers import pdf_upload, private_media, required  # noqa: F401
from tests.dossiers.desk_helpers import VN, submitted

pytestmark = pytest.mark.usefixtures("private_media")


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_submissions_get_twenty_consecutive_codes():
    agency = factories.AgencyFactory(code="000.00.42.H01")
    procedure = factories.ProcedureFactory(agencies=[agency])
    drafts = []
    for _ in range(20):
        citizen = factories.UserFactory()
        dossier = services.dossier_start_online(procedure=procedure, agency=agency, applicant=citizen)
        services.dossier_save_form(dossier=dossier, actor=citizen, data={"full_name": citizen.full_name})
        services.document_upload(dossier=dossier, actor=citizen, uploaded=pdf_upload(),
                                 required_document=required(dossier))
        drafts.append((dossier, citizen))
    barrier = threading.Barrier(20)
    failures = []

    def submit(dossier, citizen):
        try:
            barrier.wait(timeout=30)
            services.dossier_submit_online(dossier=dossier, actor=citizen)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    codes = list(Dossier.objects.filter(procedure=procedure).values_list("code", flat=True))
    assert len(codes) == 20 and len(set(codes)) == 20
    # Not yet received: each carries its submission number, "N" and its own counter (the code proper
    # is dated at receipt: test_code_is_dated_on_the_day_of_receipt).
    assert all(re.fullmatch(r"000\.00\.42\.H01-\d{6}-N\d{4}", code) for code in codes)
    numbers = sorted(int(code.rsplit("-", 1)[1][1:]) for code in codes)
    assert numbers == list(range(1, 21))


def test_code_is_dated_on_the_day_of_receipt_and_the_submission_number_keeps_working(
        client, procedure, desk_officer):
    """Circular 01/2018/TT-VPCP art. 19 (kept under Circular 03/2025): "YYMMDD là ngày tiếp nhận hồ sơ",
    "XXXX là số thứ tự hồ sơ tiếp nhận trong ngày" (issue 14: MotCua used to date it at submission)."""
    from rest_framework.test import APIClient

    from dossiers.citizen_selectors import public_lookup

    agency = procedure.agencies.first()
    friday_evening = dt.datetime(2026, 12, 4, 21, 30, tzinfo=VN)
    monday = dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN)
    with time_machine.travel(friday_evening, tick=False):
        first = submitted(procedure, applicant_phone="0912345678")
        second = submitted(procedure)
    assert first.code == first.submission_code == f"{agency.code}-261204-N0001"
    assert second.submission_code == f"{agency.code}-261204-N0002"
    with time_machine.travel(monday, tick=False):
        # A counter intake first: its code is the day's first receipt, and it has no submission number.
        walk_in = services.dossier_intake_at_counter(
            procedure=procedure, agency=agency, actor=desk_officer, channel="counter", applicant_name="Lê Văn Quầy")
        second = services.dossier_receive(dossier=second, actor=desk_officer)
        first = services.dossier_receive(dossier=first, actor=desk_officer)
    assert walk_in.code == f"{agency.code}-261207-0001" and walk_in.submission_code is None
    assert second.code == f"{agency.code}-261207-0002"  # in the order of receipt, not of submission
    assert first.code == f"{agency.code}-261207-0003" and first.submission_code == f"{agency.code}-261204-N0001"
    # The number the citizen was given on Friday still finds the dossier: look-up, desk page, API.
    assert public_lookup(code=first.submission_code.lower(), phone="0912345678").pk == first.pk
    assert public_lookup(code=first.code, phone="0912345678").pk == first.pk
    client.force_login(desk_officer)
    assert client.get(reverse("desk:dossier", args=[first.submission_code])).context["dossier"].pk == first.pk
    api = APIClient()
    api.force_authenticate(first.applicant)
    body = api.get(f"/api/v1/dossiers/{first.submission_code}/").json()
    assert (body["code"], body["submission_code"]) == (first.code, first.submission_code)
    found = client.get(reverse("desk:queue"), {"q": first.submission_code}).context["page"].rows
    assert [d.pk for d in found] == [first.pk]


def test_receiving_from_the_page_lands_on_the_receipt_under_the_new_code(client, procedure, desk_officer):
    with time_machine.travel(dt.datetime(2026, 12, 4, 21, 30, tzinfo=VN), tick=False):
        dossier = submitted(procedure)
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN), tick=False):
        client.force_login(desk_officer)
        response = client.post(reverse("desk:action", args=[dossier.code, "receive"]),
                               {"version": dossier.version})
    assert response.status_code == 302, response.content.decode()[-3000:]
    dossier.refresh_from_db()
    assert dossier.code.endswith("-261207-0001")
    assert response.status_code == 302 and response.url == reverse("desk:print", args=[dossier.code, "tiep-nhan"])
