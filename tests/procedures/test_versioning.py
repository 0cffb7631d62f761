"""Editing a published procedure creates a version; a dossier keeps the version it was submitted under."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dossiers.services.intake import dossier_create_draft, dossier_submit
from procedures.models import Procedure
from procedures.services import procedure_update

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _submit(procedure, agency, citizen):
    draft = dossier_create_draft(procedure=procedure, agency=agency, applicant=citizen)
    return dossier_submit(dossier=draft, actor=citizen)


def test_dossier_keeps_the_version_it_was_submitted_under_when_the_procedure_changes(catalogue, citizen):
    procedure = Procedure.objects.get(code="1.001193")
    commune = catalogue["communes"][0]
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=VN), tick=False):
        first = _submit(procedure, commune, citizen)
    procedure_update(procedure=procedure, effective_from=date(2026, 3, 10), note="Thêm giấy tờ",
                     changes={"processing_days": 3, "documents": [
                         {"name": "Tờ khai mới", "required": True, "copies": 1, "kinds": ["pdf"],
                          "template_name": "", "reusable": False}]})
    procedure.refresh_from_db()
    assert procedure.current_version == 2
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=VN), tick=False):
        before_effect = _submit(procedure, commune, citizen)
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=VN), tick=False):
        after_effect = _submit(procedure, commune, citizen)

    first.refresh_from_db()
    assert first.procedure_version.number == 1
    assert first.procedure_version.snapshot["processing_days"] == 1
    assert [d["name"] for d in first.procedure_version.snapshot["documents"]] == [
        "Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert before_effect.procedure_version.number == 1  # the new version is not in force yet
    assert after_effect.procedure_version.number == 2
    assert after_effect.procedure_version.snapshot["processing_days"] == 3
    assert [d["name"] for d in after_effect.procedure_version.snapshot["documents"]] == ["Tờ khai mới"]


def test_update_without_content_change_publishes_nothing(catalogue):
    procedure = Procedure.objects.get(code="1.001193")
    procedure_update(procedure=procedure, changes={"name": "Đăng ký khai sinh"})
    procedure.refresh_from_db()
    assert procedure.current_version == 1


def test_invalid_update_is_refused_and_changes_nothing(catalogue):
    procedure = Procedure.objects.get(code="2.001610")
    with pytest.raises(ValidationError) as error:
        procedure_update(procedure=procedure, changes={"online_processing_days": 9})
    assert "Thời hạn trực tuyến" in str(error.value)
    procedure.refresh_from_db()
    assert procedure.online_processing_days == 2 and procedure.current_version == 1
