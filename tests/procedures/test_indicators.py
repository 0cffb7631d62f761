"""Catalogue indicators for reports: online share of an agency's remit; procedures without dossiers."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from dossiers.services.intake import dossier_create_draft, dossier_submit
from procedures.models import Agency, Procedure
from procedures.selectors import agency_catalogue_indicators, procedures_without_dossiers

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_online_procedures_over_procedures_in_remit_per_agency(catalogue):
    rows = {a.pk: (a.procedures_total, a.procedures_online) for a in agency_catalogue_indicators()}
    commune = catalogue["communes"][0]
    assert rows[commune.pk] == (2, 1)  # birth registration online, certified copies not
    assert rows[catalogue["justice"].pk] == (1, 0)
    assert rows[catalogue["planning"].pk] == (1, 1)
    Procedure.objects.filter(code="1.001193").update(is_active=False)
    assert agency_catalogue_indicators(agencies=Agency.objects.filter(pk=commune.pk)).get().procedures_total == 1


def test_procedures_with_no_dossier_in_three_years(catalogue, citizen):
    birth = Procedure.objects.get(code="1.001193")
    with time_machine.travel(datetime(2023, 6, 1, 9, 0, tzinfo=VN), tick=False):
        draft = dossier_create_draft(procedure=birth, agency=catalogue["communes"][0], applicant=citizen)
        dossier_submit(dossier=draft, actor=citizen)
    idle_2026 = set(procedures_without_dossiers(today=date(2026, 5, 1)).values_list("code", flat=True))
    assert idle_2026 == {"2.000815", "2.001610"}
    idle_2027 = set(procedures_without_dossiers(today=date(2027, 1, 1)).values_list("code", flat=True))
    assert idle_2027 == {"1.001193", "2.000815", "2.001610"}
