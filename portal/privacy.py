"""Masking of personal identifiers for logs and for pages of roles that do not need them in full.

One rule everywhere (Decree 13/2023 on personal data: show no more than the purpose needs): a 12-digit
personal ID number (CCCD / số định danh cá nhân) keeps its first 3 digits (the province-of-birth code)
and its last 2, `042*******01`; a Vietnamese phone number (0xxxxxxxxx or +84/84xxxxxxxxx) keeps its
prefix with two digits and its last 3. Used by the logging filter (portal/logging.py), the audit pages
and the API for readers who are neither the applicant nor an officer handling the dossier.
"""

import re

# A run of exactly 12 digits, not part of a longer number.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{3})\d{7}(\d{2})(?!\d)")
# 0 or +84/84, then 9 digits (mobile prefixes 3/5/7/8/9, landlines 2): 10 digits in national form.
_PHONE = re.compile(r"(?<![\d+])((?:\+?84|0)[235789]\d)\d{4}(\d{3})(?!\d)")


def mask_id_number(value):
    """One ID number field: `042*******01`; anything that is not a 12-digit number comes back as is."""
    return _ID_NUMBER.sub(lambda m: f"{m[1]}*******{m[2]}", value) if isinstance(value, str) else value


def mask_personal_ids(text):
    """Free text (a log line, a comment, an object's name): every ID number and phone number in it masked."""
    text = mask_id_number(text)
    return _PHONE.sub(lambda m: f"{m[1]}****{m[2]}", text)
