"""Two officers at once: exactly one wins. Real threads on real PostgreSQL."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from dossiers.models import DossierEvent, Status
from tests import factories
from tests.dossiers.desk_helpers import (
    _fast_passwords,  # noqa: F401 (autouse fixture)
    awaiting_approval,
)

THREADS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_approvals_make_exactly_one_success():
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency])
    desk = factories.officer(agency, "desk_officer")
    specialist = factories.officer(agency, "specialist")
    leader = factories.officer(agency, "leader")
    dossier = awaiting_approval(procedure, desk, specialist)
    version = dossier.version
    barrier = threading.Barrier(THREADS)
    statuses, lock = [], threading.Lock()

    def approve():
        api = APIClient()
        api.force_authenticate(leader)
        try:
            barrier.wait()
            response = api.post(f"/api/v1/dossiers/{dossier.code}/approve/", {"version": version}, format="json")
            with lock:
                statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] + [409] * (THREADS - 1)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSED and dossier.version == version + 1
    assert DossierEvent.objects.filter(dossier=dossier, action="approve").count() == 1
