"""A six-digit code kept in the server-side session: registration and the SMS password reset share it.

`issue()` stores a pending request with the digest of a code (HMAC with SECRET_KEY and a nonce; the code
itself is never stored) and returns the code to send, or a code no one will receive when `real` is
False (the answer must look the same either way). `check()` counts the try and returns the pending
payload when the code matches, raising CodeRefused with a translated message otherwise; after
REGISTRATION_CODE_ATTEMPTS wrong tries or REGISTRATION_CODE_MINUTES the request is gone.
"""

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.utils.translation import gettext as _


class CodeRefused(Exception):
    """`message` for the person; `gone` when the request is over (start again)."""

    def __init__(self, message, *, gone=False):
        super().__init__(str(message))
        self.message, self.gone = message, gone


def _digest(code, nonce):
    return hmac.new(settings.SECRET_KEY.encode(), f"{nonce}:{code}".encode(), hashlib.sha256).hexdigest()


def issue(session, key, payload, *, real=True):
    code, nonce = f"{secrets.randbelow(10**6):06d}", secrets.token_hex(8)
    session[key] = {
        "payload": payload, "nonce": nonce, "attempts": 0,
        "digest": _digest(code if real else secrets.token_hex(16), nonce),
        "expires": time.time() + settings.REGISTRATION_CODE_MINUTES * 60,
    }
    session.modified = True
    return code


def pending(session, key):
    """The pending payload, or None when nothing is pending (or it expired)."""
    entry = session.get(key)
    if not entry or entry["expires"] < time.time():
        return None
    return entry["payload"]


def check(session, key, code):
    entry = session.get(key)
    if not entry or entry["expires"] < time.time():
        session.pop(key, None)
        raise CodeRefused(_("Yêu cầu đã hết hạn. Vui lòng thực hiện lại."), gone=True)
    entry["attempts"] += 1
    session.modified = True
    if entry["attempts"] > settings.REGISTRATION_CODE_ATTEMPTS:
        session.pop(key, None)
        raise CodeRefused(_("Bạn đã nhập sai mã quá nhiều lần. Vui lòng thực hiện lại."), gone=True)
    if not hmac.compare_digest(_digest((code or "").strip(), entry["nonce"]), entry["digest"]):
        raise CodeRefused(_("Mã xác nhận không đúng hoặc đã hết hạn."))
    return entry["payload"]


def done(session, key):
    session.pop(key, None)
