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


@time_machine.travel("2025-06-15 10:00 +0700", tick=False)
def test_generated_dossiers_have_the_lifecycle_trail_so_productivity_and_routing_have_data(catalogue):
    """Issue 15: the demo's plan panel shows reception productivity and electronic routing, not
    "chưa có dữ liệu": every received dossier has a `receive` by a named desk officer of its receiving
    agency at its receipt time, some are sent on (`transfer`, commune → department), and a returned one
    has its `return_result`."""
    from dossiers.models import DossierEvent, Role
    from reports import plan

    call_command("generate_dossiers", months=6, per_month=120, seed=3, stdout=io.StringIO())
    dossiers = Dossier.objects.all()
    receives = DossierEvent.objects.filter(action="receive")
    assert receives.count() == dossiers.count()
    assert not receives.filter(actor__isnull=True).exists()
    assert receives.filter(actor__memberships__role=Role.DESK_OFFICER,
                           actor__memberships__agency=catalogue["commune"], agency=catalogue["commune"]).exists()
    first = dossiers.filter(status="returned").order_by("pk").first()
    trail = list(first.events.order_by("created_at", "pk").values_list("action", flat=True))
    assert trail[:2] == ["submit", "receive"] and trail[-1] == "return_result"
    assert first.events.get(action="receive").created_at == first.received_at
    transfers = DossierEvent.objects.filter(action="transfer")
    assert transfers.exists()
    assert set(transfers.values_list("agency", flat=True)) == {catalogue["commune"].pk}  # only upwards
    moved = transfers.first().dossier
    assert moved.handling_agency == catalogue["department"] and moved.receiving_agency == catalogue["commune"]
    assert all(t.dossier.received_at < t.created_at <= (t.dossier.completed_at or t.created_at) for t in transfers)

    call_command("compute_statistics", start="2025-01", end="2025-06", stdout=io.StringIO())
    result = plan.panel(year=2025, agency=catalogue["commune"], today=date(2025, 6, 15))
    lines = {item["indicator"].code: item for item in result["lines"]}
    assert lines["productivity"]["value"] and lines["productivity"]["denominator"] == 2  # two desk officers
    assert lines["electronic_routing"]["denominator"] == transfers.filter(created_at__year=2025).count()
    assert lines["electronic_routing"]["value"] is not None

