"""Password reset by a code sent by SMS, for accounts known by their phone (issue 20 items 1 and 12).

Registration accepts a phone without an e-mail, so the e-mailed reset link cannot be the only way back
into an account, nor the only way to lift a login lockout. `phone_reset_start` answers the same whether
or not the number has an account (a code is sent only when it has); `phone_reset_confirm` sets the new
password when the code matches within PHONE_RESET_CODE_MINUTES and REGISTRATION_CODE_ATTEMPTS tries,
and lifts the account's lockout.
"""

__all__ = ["PhoneResetFailed", "phone_reset_start", "phone_reset_pending", "phone_reset_confirm"]

import hashlib
import hmac
import secrets
import time
import uuid

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from dossiers.auth import lockout_identity
from dossiers.notifications import sms_backend

SESSION_KEY = "pending_phone_reset"


class PhoneResetFailed(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _digest(code, nonce):
    return hmac.new(settings.SECRET_KEY.encode(), f"reset:{nonce}:{code}".encode(), hashlib.sha256).hexdigest()


def phone_reset_start(*, session, phone, send=True):
    """Keep the reset pending in `session`; SMS the code if `phone` has an active account (and `send`:
    the caller holds back the SMS when the number had too many codes this hour, answering the same)."""
    user = get_user_model().objects.filter(phone=phone, is_active=True).first() if send else None
    code, nonce = f"{secrets.randbelow(10**6):06d}", secrets.token_hex(8)
    session[SESSION_KEY] = {
        "phone": phone, "nonce": nonce, "attempts": 0,
        "digest": _digest(code if user else secrets.token_hex(16), nonce),
        "expires": time.time() + settings.REGISTRATION_CODE_MINUTES * 60,
    }
    session.modified = True
    if user is not None:
        text = _("%(site)s: mã đặt lại mật khẩu của bạn là %(code)s (hiệu lực %(minutes)s phút). "
                 "Không chia sẻ mã này cho bất kỳ ai.") % {
            "site": settings.SITE_NAME, "code": code, "minutes": settings.REGISTRATION_CODE_MINUTES}
        sms_backend().send(phone, text, message_id=f"password-reset:{uuid.uuid4().hex}")


def phone_reset_pending(session):
    """The masked number the code went to, or None when no reset is pending."""
    pending = session.get(SESSION_KEY)
    if not pending or pending["expires"] < time.time():
        return None
    return pending["phone"][:3] + "****" + pending["phone"][-3:]


def phone_reset_confirm(*, session, code, password):
    """Set `password` on the number's account if `code` is right; raises PhoneResetFailed otherwise."""
    pending = session.get(SESSION_KEY)
    if not pending or pending["expires"] < time.time():
        session.pop(SESSION_KEY, None)
        raise PhoneResetFailed(_("Yêu cầu đặt lại mật khẩu đã hết hạn. Vui lòng thử lại."))
    pending["attempts"] += 1
    session.modified = True
    if pending["attempts"] > settings.REGISTRATION_CODE_ATTEMPTS:
        session.pop(SESSION_KEY, None)
        raise PhoneResetFailed(_("Bạn đã nhập sai mã quá nhiều lần. Vui lòng thử lại."))
    if not hmac.compare_digest(_digest((code or "").strip(), pending["nonce"]), pending["digest"]):
        raise PhoneResetFailed(_("Mã xác nhận không đúng hoặc đã hết hạn."))
    user = get_user_model().objects.get(phone=pending["phone"], is_active=True)
    user.set_password(password)
    user.save(update_fields=["password"])
    axes_reset(username=lockout_identity(user.phone))
    session.pop(SESSION_KEY, None)
    return user
