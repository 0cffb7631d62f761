"""Dossier codes under concurrency: real threads, real PostgreSQL."""

import re
import threading

import pytest
from django.db import connection

from dossiers import services
from dossiers.models import Dossier
from tests import factories
from tests.dossiers.citizen_helpers import pdf_upload, private_media, required  # noqa: F401

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
    assert all(re.fullmatch(r"000\.00\.42\.H01-\d{6}-\d{4}", code) for code in codes)
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 21))
