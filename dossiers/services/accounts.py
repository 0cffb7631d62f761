"""Accounts."""

__all__ = ["account_register"]

from django.contrib.auth import get_user_model
from django.db import transaction


@transaction.atomic
def account_register(*, full_name, email, phone, id_number="", address="", password):
    """Create a citizen account (no agency role)."""
    return get_user_model().objects.create_user(
        email=email, phone=phone, password=password, full_name=full_name, id_number=id_number, address=address
    )
