"""Demo catalogue seeding: idempotent by code, agencies linked by kind, each procedure published."""

from django.core.management import call_command

from procedures.models import Procedure, ProcedureVersion
from procedures.services import catalogue_seed_demo
from tests.procedures import sample_catalogue


def test_seeding_links_every_agency_of_the_named_kinds_and_publishes_v1(catalogue):
    birth = Procedure.objects.get(code="1.001193")
    assert set(birth.agencies.all()) == set(catalogue["communes"])
    copies = Procedure.objects.get(code="2.000815")
    assert set(copies.agencies.all()) == {*catalogue["communes"], catalogue["justice"]}
    assert birth.current_version == 1
    assert birth.versions.get().snapshot["name"] == "Đăng ký khai sinh"
    assert [d.template_name for d in birth.documents.all()] == ["to-khai-khai-sinh.docx", ""]
    assert copies.steps == "Xuất trình bản chính.\nNhận bản sao."


def test_seeding_twice_changes_nothing(catalogue):
    counts = catalogue_seed_demo(fields=sample_catalogue.FIELDS, procedures=sample_catalogue.PROCEDURES)
    assert counts["created"] == 0 and counts["updated"] == 0 and counts["unchanged"] == 3
    assert ProcedureVersion.objects.count() == 3


def test_seeding_a_changed_procedure_publishes_a_new_version(catalogue):
    changed = [dict(p) for p in sample_catalogue.PROCEDURES]
    changed[0]["processing_days"] = 2
    counts = catalogue_seed_demo(fields=sample_catalogue.FIELDS, procedures=changed)
    assert counts["updated"] == 1 and counts["unchanged"] == 2
    birth = Procedure.objects.get(code="1.001193")
    assert birth.current_version == 2
    assert [v.snapshot["processing_days"] for v in birth.versions.order_by("number")] == [1, 2]


def test_seed_catalogue_command_loads_the_demo_data(agencies, capsys):
    call_command("seed_catalogue")
    assert Procedure.objects.count() >= 60
    assert set(Procedure.objects.values_list("level", flat=True)) == {"province", "district", "commune"}
    assert Procedure.objects.filter(tags__contains=["vinh-thanh-2023"], online_only=True).count() == 24
    assert not Procedure.objects.filter(current_version=0).exists()
    assert "created" in capsys.readouterr().out
