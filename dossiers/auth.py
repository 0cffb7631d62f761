"""Login by e-mail address or phone number."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


def normalize_phone(value):
    """'+84 912 345 678' or '0912.345.678' -> '0912345678' (Vietnamese numbers stored in national form)."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        username = username or kwargs.get("email")
        if not username or password is None:
            return None
        User = get_user_model()
        lookup = Q(email__iexact=username.strip())
        phone = normalize_phone(username)
        if phone:
            lookup |= Q(phone=phone)
        user = User.objects.filter(lookup).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
