"""Each event says who may read its comment (issue 20 item 6).

Existing events get their audience from their action, as dossiers.lifecycle declares it now. The
append-only trigger (0002) is switched off for this one backfill, inside the migration's transaction.
"""

from django.db import migrations, models

APPLICANT_ACTIONS = (
    "submit", "receive", "refuse", "request_supplement", "supplement", "request_payment", "pay",
    "return_result", "withdraw", "stop", "late_letter", "rate",
)

BACKFILL = f"""
ALTER TABLE dossiers_dossierevent DISABLE TRIGGER dossiers_event_append_only;
UPDATE dossiers_dossierevent SET comment_audience = 'applicant'
    WHERE action IN ({", ".join(f"'{a}'" for a in APPLICANT_ACTIONS)});
ALTER TABLE dossiers_dossierevent ENABLE TRIGGER dossiers_event_append_only;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0008_payment_once_per_fee_refund_due"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossierevent",
            name="comment_audience",
            field=models.CharField(
                choices=[("applicant", "Người nộp hồ sơ và cán bộ"), ("staff", "Chỉ cán bộ xử lý")],
                default="staff", max_length=12, verbose_name="người được đọc ghi chú",
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
