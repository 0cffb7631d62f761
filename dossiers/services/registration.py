"""Registration in two steps, so that it never tells whether an e-mail or phone is taken (issue 20 item 12).

Step 1 (`registration_start`) always answers the same way: "we sent a code". A new contact gets a
six-digit code (SMS when a phone is given, else e-mail); a contact that already has an account gets,
instead, a notice that someone tried to register with it (with the way to sign in or reset). Step 2
(`registration_confirm`) creates the account when the code matches, within REGISTRATION_CODE_MINUTES
and REGISTRATION_CODE_ATTEMPTS tries. Proving the contact also stops accounts made on someone else's
number. The pending registration (password already hashed) lives in the server-side session only.
"""

__all__ = ["RegistrationFailed", "registration_start", "registration_confirm", "registration_pending"]

import hashlib
import hmac
import secrets
import time
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dossiers.notifications import sms_backend
from dossiers.services.accounts import account_register

SESSION_KEY = "pending_registration"


class RegistrationFailed(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _digest(code, nonce):
    return hmac.new(settings.SECRET_KEY.encode(), f"{nonce}:{code}".encode(), hashlib.sha256).hexdigest()


def _send(*, phone, email, text, subject):
    if phone:
        sms_backend().send(phone, text, message_id=f"registration:{uuid.uuid4().hex}")
    else:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [email])


def registration_start(*, session, data, password):
    """Keep the registration pending in `session` and send the code (or, for a taken contact, a notice)."""
    email, phone = data.get("email"), data.get("phone")
    taken = get_user_model().objects.filter(
        (Q(email__iexact=email) if email else Q(pk__in=[])) | (Q(phone=phone) if phone else Q(pk__in=[]))
    ).exists()
    code, nonce = f"{secrets.randbelow(10**6):06d}", secrets.token_hex(8)
    session[SESSION_KEY] = {
        "data": data, "password": make_password(password), "nonce": nonce,
        # A taken contact gets no code: the digest of a random code no one knows.
        "digest": _digest(secrets.token_hex(16) if taken else code, nonce),
        "expires": time.time() + settings.REGISTRATION_CODE_MINUTES * 60, "attempts": 0,
    }
    site = settings.SITE_NAME
    if taken:
        text = _("%(site)s: có yêu cầu đăng ký tài khoản mới bằng thông tin liên hệ này, nhưng bạn đã có tài khoản. "
                 "Nếu là bạn, hãy đăng nhập hoặc dùng “Quên mật khẩu”. Nếu không, hãy bỏ qua tin này.") % {"site": site}
    else:
        text = _("%(site)s: mã xác nhận đăng ký tài khoản của bạn là %(code)s (hiệu lực %(minutes)s phút). "
                 "Không chia sẻ mã này cho bất kỳ ai.") % {
            "site": site, "code": code, "minutes": settings.REGISTRATION_CODE_MINUTES}
    _send(phone=phone, email=email, text=text, subject=_("Xác nhận đăng ký tài khoản"))
    session.modified = True


def registration_pending(session):
    """Where the code was sent (masked), or None when nothing is pending."""
    pending = session.get(SESSION_KEY)
    if not pending or pending["expires"] < time.time():
        return None
    data = pending["data"]
    if data.get("phone"):
        return data["phone"][:3] + "****" + data["phone"][-3:]
    name, _at, domain = (data.get("email") or "").partition("@")
    return f"{name[:2]}***@{domain}"


def registration_confirm(*, session, code):
    """Create the account if `code` is right; raises RegistrationFailed with a message otherwise."""
    pending = session.get(SESSION_KEY)
    wrong = _("Mã xác nhận không đúng hoặc đã hết hạn.")
    if not pending or pending["expires"] < time.time():
        session.pop(SESSION_KEY, None)
        raise RegistrationFailed(_("Yêu cầu đăng ký đã hết hạn. Vui lòng đăng ký lại."))
    pending["attempts"] += 1
    session.modified = True
    if pending["attempts"] > settings.REGISTRATION_CODE_ATTEMPTS:
        session.pop(SESSION_KEY, None)
        raise RegistrationFailed(_("Bạn đã nhập sai mã quá nhiều lần. Vui lòng đăng ký lại."))
    if not hmac.compare_digest(_digest((code or "").strip(), pending["nonce"]), pending["digest"]):
        raise RegistrationFailed(wrong)
    data = pending["data"]
    try:
        with transaction.atomic():
            user = account_register(password=None, **data)
            user.password = pending["password"]
            user.save(update_fields=["password"])
    except IntegrityError as exc:  # the contact was registered meanwhile
        session.pop(SESSION_KEY, None)
        raise RegistrationFailed(wrong) from exc
    session.pop(SESSION_KEY, None)
    return user
