import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    for dossier in Dossier.objects.filter(public_id__isnull=True).only("pk"):
        Dossier.objects.filter(pk=dossier.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="dossier", name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="mã tham chiếu"),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dossier", name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="mã tham chiếu"),
        ),
    ]
