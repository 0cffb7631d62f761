"""Per-dossier document facts kept by the database, for the monthly statistics (issue 16 item 2).

`dossiers_dossier.doc_facts` (not a model field: Django never writes it, so a save of a dossier loaded
before a document arrived cannot overwrite it) holds three bits about the dossier's documents:

    1  it has a document other than the result      (digitized needs it)
    2  it has a `paper` document                    (then it is not digitized)
    4  it has a `reused` document                   (reuse rate)

Statement-level triggers on dossiers_document (INSERT, UPDATE, DELETE, with transition tables, so a
bulk insert recomputes each dossier once) recompute the bits of every dossier whose documents
changed, from all of its documents: the bits are always what the documents say, deletions included.
reports.services.COMPUTE_SQL reads them instead of aggregating each received dossier's documents.
The document sources are those of dossiers.models.DocumentSource when this migration was written;
tests/reports/test_document_facts.py fails if they drift.
"""

from django.db import migrations

FACTS = """
    coalesce(bool_or(doc.source <> 'result'), false)::int
    | (coalesce(bool_or(doc.source = 'paper'), false)::int << 1)
    | (coalesce(bool_or(doc.source = 'reused'), false)::int << 2)
"""


def recompute(ids_sql):
    return f"""
        UPDATE dossiers_dossier d SET doc_facts = f.facts
        FROM (SELECT ids.id, (SELECT {FACTS} FROM dossiers_document doc WHERE doc.dossier_id = ids.id) AS facts
              FROM ({ids_sql}) ids) f
        WHERE d.id = f.id AND d.doc_facts IS DISTINCT FROM f.facts;
    """


FORWARD = f"""
ALTER TABLE dossiers_dossier ADD COLUMN doc_facts smallint NOT NULL DEFAULT 0;
UPDATE dossiers_dossier d SET doc_facts = f.facts
FROM (SELECT doc.dossier_id, {FACTS} AS facts FROM dossiers_document doc GROUP BY doc.dossier_id) f
WHERE d.id = f.dossier_id;

CREATE FUNCTION dossiers_document_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {recompute("SELECT DISTINCT dossier_id AS id FROM new_rows")}
    ELSIF TG_OP = 'DELETE' THEN
        {recompute("SELECT DISTINCT dossier_id AS id FROM old_rows")}
    ELSE
        {recompute("SELECT dossier_id AS id FROM new_rows UNION SELECT dossier_id FROM old_rows")}
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER dossiers_document_facts_insert AFTER INSERT ON dossiers_document
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossiers_document_facts();
CREATE TRIGGER dossiers_document_facts_update AFTER UPDATE ON dossiers_document
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dossiers_document_facts();
CREATE TRIGGER dossiers_document_facts_delete AFTER DELETE ON dossiers_document
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dossiers_document_facts();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS dossiers_document_facts_insert ON dossiers_document;
DROP TRIGGER IF EXISTS dossiers_document_facts_update ON dossiers_document;
DROP TRIGGER IF EXISTS dossiers_document_facts_delete ON dossiers_document;
DROP FUNCTION IF EXISTS dossiers_document_facts();
ALTER TABLE dossiers_dossier DROP COLUMN IF EXISTS doc_facts;
"""


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0014_merge_20261203_1939")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
