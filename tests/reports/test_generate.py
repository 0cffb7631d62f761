"""manage.py generate_dossiers fills past months with realistic dossiers the statistics can count."""

import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from dossiers.models import Dossier, DossierSequence, Rating
from procedures.models import Level, RequiredDocument
from reports.models import MonthlyAgencyStat
from reports.selectors import month_totals
from tests import factories


@pytest.fixture
def catalogue(db):
    tree = factories.province_tree()
    department = factories.AgencyFactory(area=tree["province"])
    commune = factories.AgencyFactory(level=Level.COMMUNE, kind="UBND_XA", area=tree["communes"][0])
    online = factories.ProcedureFactory(agencies=[department, commune], with_fees=30000)
    RequiredDocument.objects.create(procedure=online, name="Giấy khai sinh", required=True, reusable=True)
    factories.ProcedureFactory(agencies=[department], online_mode="none")
    return {"department": department, "commune": commune}


@time_machine.travel("2025-06-15 10:00 +0700", tick=False)
def test_generated_months_have_a_channel_mix_outcomes_and_unique_codes(catalogue):
    call_command("generate_dossiers", months=6, per_month=120, seed=3, stdout=io.StringIO())
    dossiers = Dossier.objects.all()
    assert 600 <= dossiers.count() <= 720
    assert dossiers.values("code").distinct().count() == dossiers.count()
    channels = set(dossiers.values_list("channel", flat=True))
    assert {"online", "counter"} <= channels
    assert dossiers.filter(assisted=True).exists()
    assert dossiers.filter(status="returned").count() > dossiers.count() // 2
    assert dossiers.filter(status="processing").exists()
    assert Rating.objects.exists() and dossiers.filter(documents__source="paper").exists()
    assert not dossiers.filter(received_at__date__gt=date(2025, 6, 15)).exists()
    last = DossierSequence.objects.order_by("-last").first()
    assert dossiers.filter(code__endswith=f"-{last.last:04d}", receiving_agency=last.agency).exists()

    call_command("compute_statistics", start="2025-01", end="2025-06", stdout=io.StringIO())
    assert MonthlyAgencyStat.objects.filter(month=date(2025, 3, 1)).count() == 2
    march = month_totals(month=date(2025, 3, 1))
    assert march["received"] == dossiers.filter(received_at__month=3).count()
    assert march["completed_late"] > 0 and march["completed_on_time"] > 0
