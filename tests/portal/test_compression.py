"""Pages and JSON are gzipped for clients that accept it; stored files never are."""

import gzip

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers import services
from tests import factories
from tests.dossiers.citizen_helpers import pdf_bytes, private_media, required  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_pages_and_api_answers_are_gzipped_when_the_client_accepts_it(client, procedure):
    plain = client.get("/thu-tuc/")
    assert "Content-Encoding" not in plain
    page = client.get("/thu-tuc/", headers={"accept-encoding": "gzip"})
    assert page["Content-Encoding"] == "gzip" and "Accept-Encoding" in page["Vary"]
    assert gzip.decompress(page.content).decode().count(procedure.name) == plain.content.decode().count(procedure.name)
    # Django sends a body uncompressed when gzip (with its random BREACH padding) would not be smaller:
    # enough procedures that the list is worth compressing.
    factories.ProcedureFactory.create_batch(10, agencies=list(procedure.agencies.all()))
    api = client.get("/api/v1/procedures/", headers={"accept-encoding": "gzip"})
    assert api["Content-Encoding"] == "gzip"
    assert gzip.decompress(api.content).startswith(b"{")


@pytest.mark.usefixtures("private_media")
def test_a_stored_document_reaches_the_user_byte_for_byte(client, citizen, procedure):
    draft = services.dossier_start_online(procedure=procedure, agency=procedure.agencies.first(), applicant=citizen)
    content = pdf_bytes(20000)
    document = services.document_upload(dossier=draft, actor=citizen, required_document=required(draft),
                                        uploaded=SimpleUploadedFile("to-khai.pdf", content))
    client.force_login(citizen)
    response = client.get(reverse("document_download", args=[document.pk]), headers={"accept-encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == content
