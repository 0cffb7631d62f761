"""The dossier's document facts that the monthly statistics read (dossiers migration 0015) follow its
documents through every insert, update and delete, bulk ones included."""

import pytest
from django.db import connection

from dossiers.models import Document, DocumentSource, Dossier

pytestmark = pytest.mark.django_db


def facts(dossier):
    with connection.cursor() as cursor:
        cursor.execute("SELECT doc_facts FROM dossiers_dossier WHERE id = %s", [dossier.pk])
        return cursor.fetchone()[0]


def test_facts_follow_the_documents(structure, make):
    dossier = make(procedure=structure["plain"], agency=structure["a"], received_at=None)
    assert facts(dossier) == 0
    uploaded = Document.objects.create(dossier=dossier, name="Tờ khai", source=DocumentSource.UPLOADED)
    assert facts(dossier) == 1  # a document other than the result
    paper = Document.objects.create(dossier=dossier, name="Bản giấy", source=DocumentSource.PAPER)
    assert facts(dossier) == 1 | 2
    paper.delete()
    assert facts(dossier) == 1
    Document.objects.filter(pk=uploaded.pk).update(source=DocumentSource.REUSED)
    assert facts(dossier) == 1 | 4
    Document.objects.filter(pk=uploaded.pk).update(source=DocumentSource.RESULT)
    assert facts(dossier) == 0  # only the result: not digitized
    other = make(procedure=structure["plain"], agency=structure["a"], received_at=None)
    Document.objects.bulk_create([Document(dossier=d, name="x", source=s) for d, s in [
        (dossier, DocumentSource.SCANNED), (other, DocumentSource.PAPER), (other, DocumentSource.REUSED)]])
    assert (facts(dossier), facts(other)) == (1, 1 | 2 | 4)
    Document.objects.filter(dossier=other).update(dossier=dossier)  # moved: both recomputed
    assert (facts(dossier), facts(other)) == (1 | 2 | 4, 0)
    Document.objects.all().delete()
    assert (facts(dossier), facts(other)) == (0, 0)


def test_a_dossier_saved_from_a_stale_copy_keeps_its_facts(structure, make):
    dossier = make(procedure=structure["plain"], agency=structure["a"], received_at=None)
    stale = Dossier.objects.get(pk=dossier.pk)
    Document.objects.create(dossier=dossier, name="Tờ khai", source=DocumentSource.UPLOADED)
    stale.applicant_name = "Trần Thị Bình"
    stale.save()  # doc_facts is no model field: a save never writes it
    assert facts(dossier) == 1


def test_the_trigger_names_the_document_sources_of_the_model():
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'dossiers_document_facts'")
        source = cursor.fetchone()[0]
    for member in (DocumentSource.RESULT, DocumentSource.PAPER, DocumentSource.REUSED):
        assert f"'{member.value}'" in source
