from decimal import Decimal

from django.db import migrations

# Province defaults from 2023 on (55% provincial agencies, 40% district, 20% commune) and the
# national indicator 3.3 (50%, level left empty).
DEFAULTS = {"": Decimal("50"), "province": Decimal("55"), "district": Decimal("40"), "commune": Decimal("20")}


def seed(apps, schema_editor):
    Target = apps.get_model("reports", "OnlineRateTarget")
    for level, rate in DEFAULTS.items():
        Target.objects.get_or_create(year=2023, level=level, agency=None, defaults={"rate": rate})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_monthly_statistics")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
