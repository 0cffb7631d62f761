"""Password reset by a code sent by SMS, for accounts known by their phone (issue 20 items 1 and 12).

Registration accepts a phone without an e-mail, so the e-mailed reset link cannot be the only way back
into an account, nor the only way to lift a login lockout. `phone_reset_start` answers the same whether
or not the number has an account (a code is sent only when it has); `phone_reset_confirm` sets the new
password when the code matches (dossiers.services.session_codes: expiry and tries) and lifts the
account's lockout.
"""

__all__ = ["PhoneResetFailed", "phone_reset_start", "phone_reset_pending", "phone_reset_confirm"]

import uuid

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from dossiers.auth import lockout_identity
from dossiers.notifications import sms_backend
from dossiers.services import session_codes
from dossiers.services.session_codes import CodeRefused as PhoneResetFailed

SESSION_KEY = "pending_phone_reset"


def phone_reset_start(*, session, phone, send=True):
    """Keep the reset pending in `session`; SMS the code if `phone` has an active account (and `send`:
    the caller holds back the SMS when the number had too many codes this hour, answering the same)."""
    user = get_user_model().objects.filter(phone=phone, is_active=True).first() if send else None
    code = session_codes.issue(session, SESSION_KEY, {"phone": phone}, real=user is not None)
    if user is not None:
        text = _("%(site)s: mã đặt lại mật khẩu của bạn là %(code)s (hiệu lực %(minutes)s phút). "
                 "Không chia sẻ mã này cho bất kỳ ai.") % {
            "site": settings.SITE_NAME, "code": code, "minutes": settings.REGISTRATION_CODE_MINUTES}
        sms_backend().send(phone, text, message_id=f"password-reset:{uuid.uuid4().hex}")


def phone_reset_pending(session):
    """The masked number the code went to, or None when no reset is pending."""
    payload = session_codes.pending(session, SESSION_KEY)
    return None if payload is None else payload["phone"][:3] + "****" + payload["phone"][-3:]


def phone_reset_confirm(*, session, code, password):
    """Set `password` on the number's account if `code` is right; raises PhoneResetFailed otherwise."""
    payload = session_codes.check(session, SESSION_KEY, code)
    user = get_user_model().objects.get(phone=payload["phone"], is_active=True)
    user.set_password(password)
    user.save(update_fields=["password"])
    axes_reset(username=lockout_identity(user.phone))
    session_codes.done(session, SESSION_KEY)
    return user
