"""Checking uploaded files: kind by content (magic bytes), size limits, safe names, sha256.

Nothing here trusts the browser: neither the extension nor the declared content type is used. A file
is accepted only if its first bytes say it is one of the kinds the required document accepts, the whole
content is that kind and nothing active (dossiers/filecheck.py), and the antivirus finds nothing
(dossiers/antivirus.py). All checks run before anything is written to storage.
"""

import hashlib
import logging
import os
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from dossiers import antivirus, filecheck
from procedures.models import DocumentKind

logger = logging.getLogger(__name__)

# Sniffed MIME type -> catalogue kind.
KIND_OF_MIME = {
    "application/pdf": DocumentKind.PDF,
    "image/jpeg": DocumentKind.JPG,
    "image/png": DocumentKind.PNG,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DocumentKind.DOCX,
}
EXTENSION_OF_KIND = {DocumentKind.PDF: "pdf", DocumentKind.JPG: "jpg", DocumentKind.PNG: "png",
                     DocumentKind.DOCX: "docx"}
DEFAULT_KINDS = (DocumentKind.PDF, DocumentKind.JPG, DocumentKind.PNG)
PREVIEWABLE = {"application/pdf", "image/jpeg", "image/png"}
_UNSAFE = re.compile(r'[<>:"/\\|?*]+')


class UploadRefused(Exception):
    """The file cannot be accepted; `message` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    kind: str
    size: int
    sha256: str


def safe_filename(name, *, kind=None):
    """A file name safe to store and to put in Content-Disposition.

    Drops any directory part (both separators, so `..\\..\\x` and `../../x` lose their path),
    control and format characters and characters Windows forbids; keeps Vietnamese letters.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, ext = os.path.splitext(name)
    if kind is not None:
        ext = "." + EXTENSION_OF_KIND[kind]
    stem = stem[:150] or "tep"
    return f"{stem}{ext.lower()}"


def accepted_kinds(required_document):
    kinds = list(required_document.kinds) if required_document is not None and required_document.kinds else []
    return kinds or list(DEFAULT_KINDS)


def kinds_label(kinds):
    return ", ".join(DocumentKind(k).label for k in kinds)


def field_limits(required_document=None):
    """What a file field states beside it and checks in the browser before sending (issue 21 item 7):
    accepted kinds (label and `accept` list), the size limit, and whether the slot takes several files.
    The server checks the same limits again (`check_upload`)."""
    kinds = accepted_kinds(required_document)
    accept = sorted({f".{EXTENSION_OF_KIND[k]}" for k in kinds} | ({".jpeg"} if DocumentKind.JPG in kinds else set()))
    return {"kinds": kinds_label(kinds), "accept": ",".join(accept), "max_bytes": settings.UPLOAD_MAX_FILE_BYTES,
            "max_mb": _megabytes(settings.UPLOAD_MAX_FILE_BYTES),
            "several": bool(required_document is not None and required_document.multiple_files)}


def sniff(uploaded):
    """The catalogue kind and MIME type read from the file's first bytes, or (None, "")."""
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    guess = filetype.guess(head)
    if guess is None:
        return None, ""
    kind = KIND_OF_MIME.get(guess.mime)
    return kind, guess.mime if kind else ""


def check_upload(uploaded, *, kinds, dossier_bytes_used):
    """Check one uploaded file; returns a CheckedFile or raises UploadRefused."""
    size = uploaded.size
    if size == 0:
        raise UploadRefused(_("Tệp “%(name)s” rỗng.") % {"name": safe_filename(uploaded.name)})
    if size > settings.UPLOAD_MAX_FILE_BYTES:
        raise UploadRefused(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); mỗi tệp tối đa %(limit)s MB.")
            % {"name": safe_filename(uploaded.name), "size": _megabytes(size),
               "limit": _megabytes(settings.UPLOAD_MAX_FILE_BYTES)}
        )
    if dossier_bytes_used + size > settings.UPLOAD_MAX_DOSSIER_BYTES:
        raise UploadRefused(
            _("Tổng dung lượng giấy tờ của hồ sơ vượt quá %(limit)s MB. Vui lòng nén hoặc giảm độ phân giải tệp.")
            % {"limit": _megabytes(settings.UPLOAD_MAX_DOSSIER_BYTES)}
        )
    kind, mime = sniff(uploaded)
    if kind is None or kind not in kinds:
        raise UploadRefused(
            _("Tệp “%(name)s” không đúng định dạng. Định dạng được chấp nhận: %(kinds)s.")
            % {"name": safe_filename(uploaded.name), "kinds": kinds_label(kinds)}
        )
    uploaded.seek(0)
    data = b"".join(uploaded.chunks())  # at most UPLOAD_MAX_FILE_BYTES
    uploaded.seek(0)
    name = safe_filename(uploaded.name, kind=kind)
    try:
        filecheck.inspect(data, kind)
    except filecheck.ContentRefused as refusal:
        raise UploadRefused(_("Tệp “%(name)s”: %(reason)s") % {"name": name, "reason": refusal.message}) from None
    _scan_for_viruses(data, name)
    return CheckedFile(name=name, content_type=mime, kind=kind, size=size, sha256=hashlib.sha256(data).hexdigest())


def _scan_for_viruses(data, name):
    try:
        threat = antivirus.scanner().scan(data)
    except antivirus.ScanFailed:
        logger.exception("antivirus scan failed for an upload")
        raise UploadRefused(_("Chưa kiểm tra được virus cho tệp “%(name)s”. Vui lòng thử lại sau ít phút.")
                            % {"name": name}) from None
    if threat:
        logger.warning("upload refused: antivirus found %s", threat)
        raise UploadRefused(_("Tệp “%(name)s” bị phát hiện có mã độc (%(threat)s) nên không được chấp nhận.")
                            % {"name": name, "threat": threat})


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def file_response(document, *, attachment):
    """Serve a stored document: the sanitised original name, its sniffed type, never sniffed again by the
    browser (nosniff) and never cached (personal data). 404 when the file is missing from storage."""
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=attachment,
                            filename=safe_filename(document.original_name or document.name),
                            content_type=document.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
