"""Read replica (issue 16 item 4): the statistics pages read from the `replica` alias when it is configured.

The `replica` alias of the tests is a second, separate test database (tests/settings.py): the month of
statistics written there only is what the dashboard shows when it reads the replica, and what it does
not show when it reads the primary. The account, its role and the session stay on the primary.
"""

from datetime import date

import pytest

from dossiers.models import Dossier, User
from portal.replica import replica_reads
from procedures.models import AdministrativeUnit, Agency, Level, Scheme
from reports.models import MonthlyAgencyStat
from tests import factories

pytestmark = pytest.mark.django_db(databases=["default", "replica"])


@pytest.fixture
def replica_month():
    """A month computed on the replica only: one agency with 4242 dossiers received in March 2025."""
    province = AdministrativeUnit.objects.using("replica").create(scheme=Scheme.THREE_TIER, level=Level.PROVINCE,
                                                                  code="98", name="Tỉnh Bản Sao")
    agency = Agency.objects.using("replica").create(code="000.00.98.H98", name="Sở Bản Sao", level=Level.PROVINCE,
                                                    area=province)
    MonthlyAgencyStat.objects.using("replica").create(month=date(2025, 3, 1), agency=agency, level=Level.PROVINCE,
                                                      scheme=Scheme.THREE_TIER, received=4242, received_online=4000)
    return agency


def test_dashboard_export_and_api_read_the_replica_when_it_is_on(client, settings, replica_month):
    monitor = factories.monitor()  # on the primary, like the session
    client.force_login(monitor)
    settings.REPLICA_READS_ENABLED = True
    page = client.get("/thong-ke/?month=2025-03")
    assert page.status_code == 200
    assert "Sở Bản Sao" in page.content.decode() and ">4242<" in page.content.decode()
    export = client.get("/thong-ke/xuat/", {"month": "2025-03", "table": "agency", "format": "csv"})
    assert "Sở Bản Sao,4242," in export.content.decode()
    api = client.get("/api/v1/reports/monthly/", {"month": "2025-03"})
    assert [row["received"] for row in api.json()] == [4242]

    settings.REPLICA_READS_ENABLED = False  # the same pages on the primary: nothing computed there
    assert "Sở Bản Sao" not in client.get("/thong-ke/?month=2025-03").content.decode()
    assert client.get("/api/v1/reports/monthly/", {"month": "2025-03"}).json() == []


def test_only_reads_inside_the_block_go_to_the_replica_and_never_accounts_or_writes(settings):
    settings.REPLICA_READS_ENABLED = True
    assert Dossier.objects.all().db == "default"
    with replica_reads():
        assert Dossier.objects.all().db == "replica"
        assert MonthlyAgencyStat.objects.all().db == "replica"
        assert User.objects.all().db == "default"  # who may see what: the primary, whatever the lag
        unit = AdministrativeUnit.objects.create(scheme=Scheme.THREE_TIER, level=Level.PROVINCE, code="97", name="X")
    assert AdministrativeUnit.objects.using("default").filter(pk=unit.pk).exists()
    assert not AdministrativeUnit.objects.using("replica").filter(code="97").exists()
    settings.REPLICA_READS_ENABLED = False
    with replica_reads():
        assert Dossier.objects.all().db == "default"
