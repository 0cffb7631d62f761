"""Registration in two steps, so that it never tells whether an e-mail or phone is taken (issue 20 item 12).

Step 1 (`registration_start`) always answers the same way: "we sent a code". A new contact gets a
six-digit code (SMS when a phone is given, else e-mail); a contact that already has an account gets,
instead, a notice that someone tried to register with it (with the way to sign in or reset). Step 2
(`registration_confirm`) creates the account when the code matches (dossiers.services.session_codes:
expiry and tries). Proving the contact also stops accounts made on someone else's number. The pending
registration (password already hashed) lives in the server-side session only.
"""

__all__ = ["RegistrationFailed", "registration_start", "registration_confirm", "registration_pending"]

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dossiers.notifications import sms_backend
from dossiers.services import session_codes
from dossiers.services.accounts import account_register
from dossiers.services.session_codes import CodeRefused as RegistrationFailed

SESSION_KEY = "pending_registration"


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
    # A taken contact gets no code: the request holds the digest of a code no one receives.
    code = session_codes.issue(session, SESSION_KEY, {"data": data, "password": make_password(password)},
                               real=not taken)
    site = settings.SITE_NAME
    if taken:
        text = _("%(site)s: có yêu cầu đăng ký tài khoản mới bằng thông tin liên hệ này, nhưng bạn đã có tài khoản. "
                 "Nếu là bạn, hãy đăng nhập hoặc dùng “Quên mật khẩu”. Nếu không, hãy bỏ qua tin này.") % {"site": site}
    else:
        text = _("%(site)s: mã xác nhận đăng ký tài khoản của bạn là %(code)s (hiệu lực %(minutes)s phút). "
                 "Không chia sẻ mã này cho bất kỳ ai.") % {
            "site": site, "code": code, "minutes": settings.REGISTRATION_CODE_MINUTES}
    _send(phone=phone, email=email, text=text, subject=_("Xác nhận đăng ký tài khoản"))


def registration_pending(session):
    """Where the code was sent (masked), or None when nothing is pending."""
    payload = session_codes.pending(session, SESSION_KEY)
    if payload is None:
        return None
    data = payload["data"]
    if data.get("phone"):
        return data["phone"][:3] + "****" + data["phone"][-3:]
    name, _at, domain = (data.get("email") or "").partition("@")
    return f"{name[:2]}***@{domain}"


def registration_confirm(*, session, code):
    """Create the account if `code` is right; raises RegistrationFailed with a message otherwise."""
    payload = session_codes.check(session, SESSION_KEY, code)
    try:
        with transaction.atomic():
            user = account_register(password=None, **payload["data"])
            user.password = payload["password"]
            user.save(update_fields=["password"])
    except IntegrityError as exc:  # the contact was registered meanwhile
        session_codes.done(session, SESSION_KEY)
        raise RegistrationFailed(_("Mã xác nhận không đúng hoặc đã hết hạn.")) from exc
    session_codes.done(session, SESSION_KEY)
    return user
