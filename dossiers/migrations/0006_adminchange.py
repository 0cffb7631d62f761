"""The admin audit trail (nhật ký quản trị), append-only in the database too.

A trigger rejects UPDATE and DELETE of any row (unlike the dossier events, nothing cascades into this
table: actors are PROTECTed and objects are named by string). TRUNCATE is left to the table's owner
(the test runner empties tables with it); in production the application's role should not own the
tables, so it cannot truncate them either.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


CREATE = """
CREATE FUNCTION dossiers_adminchange_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dossiers_adminchange is append-only (% of admin change % refused)', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER dossiers_adminchange_append_only BEFORE UPDATE OR DELETE ON dossiers_adminchange
    FOR EACH ROW EXECUTE FUNCTION dossiers_adminchange_reject_change();
"""

DROP = """
DROP TRIGGER IF EXISTS dossiers_adminchange_append_only ON dossiers_adminchange;
DROP FUNCTION IF EXISTS dossiers_adminchange_reject_change();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0005_report_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='AdminChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='thời điểm')),
                ('actor_label', models.CharField(max_length=254, verbose_name='tài khoản lúc thực hiện')),
                ('kind', models.CharField(choices=[('add', 'Thêm mới'), ('change', 'Sửa'), ('delete', 'Xóa')], max_length=10, verbose_name='thao tác')),
                ('model', models.CharField(max_length=100, verbose_name='loại đối tượng')),
                ('object_id', models.CharField(max_length=64, verbose_name='mã đối tượng')),
                ('object_repr', models.CharField(max_length=200, verbose_name='đối tượng')),
                ('changes', models.JSONField(blank=True, default=list, verbose_name='nội dung thay đổi')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='địa chỉ IP')),
                ('log_entry_id', models.PositiveBigIntegerField(blank=True, null=True, verbose_name='mã bản ghi LogEntry')),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người thực hiện')),
            ],
            options={
                'verbose_name': 'nhật ký quản trị',
                'verbose_name_plural': 'nhật ký quản trị',
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['model', 'object_id'], name='adminchange_object_idx'), models.Index(fields=['actor', '-id'], name='adminchange_actor_idx'), models.Index(fields=['created_at'], name='adminchange_time_idx')],
            },
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
