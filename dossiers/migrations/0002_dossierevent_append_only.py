"""The audit trail is append-only in the database too: a trigger rejects any UPDATE of an event.

DELETE is left alone on purpose: deleting a dossier cascades to its events (test clean-up, data
erasure by an administrator); the application itself never deletes events.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION dossiers_event_reject_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dossiers_dossierevent is append-only (UPDATE of event % refused)', OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER dossiers_event_append_only BEFORE UPDATE ON dossiers_dossierevent
    FOR EACH ROW EXECUTE FUNCTION dossiers_event_reject_update();
"""

DROP = """
DROP TRIGGER IF EXISTS dossiers_event_append_only ON dossiers_dossierevent;
DROP FUNCTION IF EXISTS dossiers_event_reject_update();
"""


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
