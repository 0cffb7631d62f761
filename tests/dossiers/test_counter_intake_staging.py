"""Issue 21 item 9: counter intake keeps the scans and the "chỉ có bản giấy" ticks across a validation error
(scans kept server-side under the officer and the form's token), and the purge removes forms never sent."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.urls import reverse

from dossiers import services
from dossiers.models import Dossier, StagedUpload, Status
from tests import factories
from tests.dossiers.citizen_helpers import pdf_bytes, private_media  # noqa: F401
from tests.dossiers.desk_helpers import at_monday, pdf_file  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_monday", "private_media")]


def _url(procedure, agency):
    return f"{reverse('desk:intake')}?procedure={procedure.pk}&agency={agency.pk}&channel=counter"


def _token(html):
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def _papers(procedure):
    return procedure.documents.get(required=True), procedure.documents.get(required=False)


def test_a_validation_error_keeps_the_scan_and_the_paper_tick_then_the_dossier_takes_them(
    client, procedure, agency, desk_officer
):
    scanned, paper = _papers(procedure)
    client.force_login(desk_officer)
    token = _token(client.get(_url(procedure, agency)).content.decode())
    data = {
        "form_token": token,
        "applicant_name": "",
        "applicant_phone": "0912000111",
        "f-full_name": "Trần Văn Quầy",
        f"doc_{scanned.pk}": pdf_file("giay-to-quet.pdf"),
        f"paper_{paper.pk}": "on",
    }
    response = client.post(_url(procedure, agency), data)
    html = response.content.decode()
    assert response.status_code == 400 and not Dossier.objects.exists()  # the applicant's name is missing
    assert "Đã giữ tệp quét: giay-to-quet.pdf" in html
    assert re.search(rf'name="paper_{paper.pk}" checked', html)
    assert _token(html) == token and StagedUpload.objects.filter(officer=desk_officer).count() == 1

    # Sent again with the name and no file chosen: the kept scan goes into the dossier.
    response = client.post(
        _url(procedure, agency), {**data, f"doc_{scanned.pk}": "", "applicant_name": "Trần Văn Quầy"}
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED
    documents = {d.required_document_id: d for d in dossier.documents.all()}
    assert (
        documents[scanned.pk].source == "scanned"
        and documents[scanned.pk].original_name == "giay-to-quet.pdf"
    )
    assert documents[scanned.pk].file.read() == pdf_bytes() and documents[paper.pk].source == "paper"
    assert not StagedUpload.objects.exists()


def test_a_kept_scan_can_be_replaced_or_taken_off(
    client, procedure, agency, desk_officer, django_capture_on_commit_callbacks
):
    scanned, _paper = _papers(procedure)
    client.force_login(desk_officer)
    token = _token(client.get(_url(procedure, agency)).content.decode())
    base = {"form_token": token, "applicant_name": ""}
    client.post(_url(procedure, agency), {**base, f"doc_{scanned.pk}": pdf_file("a.pdf")})
    client.post(_url(procedure, agency), {**base, f"doc_{scanned.pk}": pdf_file("b.pdf")})
    assert list(StagedUpload.objects.values_list("original_name", flat=True)) == ["b.pdf"]
    stored = StagedUpload.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):  # files are deleted once the rows are
        response = client.post(_url(procedure, agency), {**base, "unstage": str(scanned.pk)})
    assert response.status_code == 200 and "Đã giữ tệp quét" not in response.content.decode()
    assert not StagedUpload.objects.exists() and not default_storage.exists(stored)


def test_a_refused_scan_is_not_kept_and_says_why(client, procedure, agency, desk_officer):
    scanned, _paper = _papers(procedure)
    client.force_login(desk_officer)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        _url(procedure, agency),
        {"applicant_name": "A", f"doc_{scanned.pk}": SimpleUploadedFile("x.pdf", b"MZ" + b"\0" * 300)},
    )
    assert response.status_code == 400 and "không đúng định dạng" in response.content.decode()
    assert not StagedUpload.objects.exists()


def test_another_officer_cannot_use_someone_elses_kept_scan(client, procedure, agency, desk_officer):
    scanned, _paper = _papers(procedure)
    client.force_login(desk_officer)
    token = _token(client.get(_url(procedure, agency)).content.decode())
    client.post(
        _url(procedure, agency), {"form_token": token, "applicant_name": "", f"doc_{scanned.pk}": pdf_file()}
    )
    other = factories.officer(agency, "desk_officer")
    client.force_login(other)
    html = client.post(_url(procedure, agency), {"form_token": token, "applicant_name": ""}).content.decode()
    assert "Đã giữ tệp quét" not in html


def test_the_purge_removes_scans_of_forms_never_sent_again(procedure, desk_officer, settings):
    scanned, _paper = _papers(procedure)
    settings.STAGED_UPLOAD_HOURS = 24
    staged = services.staged_upload_put(
        officer=desk_officer, token="t" * 20, required_document=scanned, uploaded=pdf_file()
    )
    assert services.staged_uploads_purge() == 0
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)):
        from django.db import transaction

        with transaction.atomic():
            assert services.staged_uploads_purge() == 1
    assert not StagedUpload.objects.exists()
    assert services.staged_uploads_purge() == 0  # idempotent
    del staged
