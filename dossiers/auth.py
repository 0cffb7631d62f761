"""Login by e-mail address or phone number, and the one identity the lockout counts per."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


def normalize_phone(value):
    """'+84 912 345 678' or '0912.345.678' -> '0912345678' (Vietnamese numbers stored in national form)."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


def find_user(login_name):
    """The account a login name (e-mail in any case, phone in any spelling) designates, or None."""
    login_name = (login_name or "").strip()
    if not login_name:
        return None
    lookup = Q(email__iexact=login_name)
    phone = normalize_phone(login_name)
    if phone and "@" not in login_name:
        lookup |= Q(phone=phone)
    return get_user_model().objects.filter(lookup).first()


def lockout_identity(login_name):
    """One key per account for the lockout (issue 20 item 1).

    `NAME@example.vn`, ` name@example.vn `, `0987650001`, `+84987650001` and `0987.650.001` are the same
    account, so they share one failure count. Unknown names are normalised the same way (lower-case
    e-mail, national phone form), so spelling variants of a name that does not exist share one too.
    """
    user = find_user(login_name)
    if user is not None:
        return f"account:{user.pk}"
    login_name = (login_name or "").strip()
    if "@" in login_name:
        return login_name.lower()
    return normalize_phone(login_name) or login_name.lower()


def axes_username(request, credentials):
    """AXES_USERNAME_CALLABLE: django-axes calls this with the login form's credentials."""
    login_name = (credentials or {}).get("username") if credentials else None
    if login_name is None and request is not None:
        login_name = request.POST.get("username", "")
    return lockout_identity(login_name)


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username or kwargs.get("email")
        if not username or password is None:
            return None
        user = find_user(username)
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
