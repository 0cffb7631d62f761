"""Scans attached to a counter intake form, kept across a validation error (issue 21 item 9).

The officer's browser cannot re-send a file after the page comes back with an error, so each scan is
checked and stashed server-side under (officer, form token, paper) the first time it arrives; the form
carries its token in a hidden field and lists what is kept. Taking the dossier in moves the scans into
it; what is never sent again is deleted by the hourly purge.
"""

import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from dossiers import uploads
from dossiers.models import StagedUpload

__all__ = [
    "new_form_token",
    "clean_form_token",
    "staged_for",
    "staged_upload_put",
    "staged_upload_drop",
    "staged_uploads_release",
    "staged_uploads_purge",
]

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def new_form_token():
    return secrets.token_urlsafe(24)


def clean_form_token(value):
    """The token sent back by the form, or a fresh one when it is missing or malformed."""
    value = (value or "").strip()
    return value if _TOKEN.match(value) else new_form_token()


def staged_for(*, officer, token):
    """{required document id: StagedUpload} kept for this officer's form."""
    return {s.required_document_id: s for s in StagedUpload.objects.filter(officer=officer, form_token=token)}


def _delete_files(staged):
    files = [(s.file.storage, s.file.name) for s in staged if s.file]
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


@transaction.atomic
def staged_upload_put(*, officer, token, required_document, uploaded):
    """Check a scan like any upload (kind by content, size, antivirus) and keep it for the form's slot,
    replacing the one kept there. Raises uploads.UploadRefused with the reason."""
    checked = uploads.check_upload(
        uploaded, kinds=uploads.accepted_kinds(required_document), dossier_bytes_used=0
    )
    previous = list(
        StagedUpload.objects.select_for_update().filter(
            officer=officer, form_token=token, required_document=required_document
        )
    )
    _delete_files(previous)
    StagedUpload.objects.filter(pk__in=[s.pk for s in previous]).delete()
    staged = StagedUpload(
        officer=officer,
        form_token=token,
        required_document=required_document,
        original_name=checked.name,
        size=checked.size,
    )
    staged.file.save(checked.name, uploaded, save=False)
    staged.save()
    return staged


@transaction.atomic
def staged_upload_drop(*, officer, token, required_document_id):
    """The officer takes a kept scan off the form."""
    staged = list(
        StagedUpload.objects.filter(
            officer=officer, form_token=token, required_document_id=required_document_id
        )
    )
    _delete_files(staged)
    StagedUpload.objects.filter(pk__in=[s.pk for s in staged]).delete()


def staged_uploads_release(*, officer, token):
    """After the dossier was taken in (its documents have their own copies): the form's kept scans go."""
    with transaction.atomic():
        staged = list(StagedUpload.objects.filter(officer=officer, form_token=token))
        _delete_files(staged)
        StagedUpload.objects.filter(pk__in=[s.pk for s in staged]).delete()


def staged_uploads_purge(*, now=None):
    """Delete scans kept longer than STAGED_UPLOAD_HOURS (forms abandoned after an error). Idempotent;
    returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.STAGED_UPLOAD_HOURS)
    with transaction.atomic():
        old = list(StagedUpload.objects.select_for_update(skip_locked=True).filter(created_at__lt=cutoff))
        _delete_files(old)
        StagedUpload.objects.filter(pk__in=[s.pk for s in old]).delete()
    return len(old)
