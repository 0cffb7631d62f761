"""Helpers for the desk tests: dossiers moved through the real services (never by setting status)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from tests import factories
from tests.dossiers.citizen_helpers import pdf_bytes, png_bytes

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# A Monday morning, a working day (time_machine travels here in the tests).
MONDAY = dt.datetime(2026, 12, 7, 9, 0, tzinfo=VN)

PDF_BYTES = pdf_bytes()  # a well-formed PDF: uploads are checked whole
PNG_BYTES = png_bytes()


def pdf_file(name="scan.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def submitted(procedure, applicant=None, **kwargs):
    applicant = applicant or factories.UserFactory()
    dossier = factories.DossierFactory(procedure=procedure, applicant=applicant, **kwargs)
    return services.dossier_submit(dossier=dossier, actor=applicant)


def received(procedure, desk_officer, **kwargs):
    return services.dossier_receive(dossier=submitted(procedure, **kwargs), actor=desk_officer)


def processing(procedure, desk_officer, specialist, **kwargs):
    return services.dossier_assign(dossier=received(procedure, desk_officer, **kwargs), actor=desk_officer,
                                   assignee=specialist)


def awaiting_approval(procedure, desk_officer, specialist, **kwargs):
    """Processed by the specialist, who attaches the draft result, and submitted to the leader."""
    dossier = processing(procedure, desk_officer, specialist, **kwargs)
    attach_result(dossier, specialist)
    return services.dossier_submit_for_approval(dossier=dossier, actor=specialist)


def attach_result(dossier, officer):
    """The electronic result a dossier needs before it is returned (issue 20 item 10)."""
    return services.dossier_upload_result(dossier=dossier, actor=officer, uploaded_file=pdf_file("ket-qua.pdf"))


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """These tests create many accounts; a cheap hasher keeps them fast (login is not under test here)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def at_monday():
    """Freeze the clock on MONDAY (use with `pytestmark = usefixtures("at_monday")`)."""
    with time_machine.travel(MONDAY, tick=False):
        yield
