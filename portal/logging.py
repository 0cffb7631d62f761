"""Logging filter that keeps personal identifiers out of log output.

Installed on the console handler in settings.LOGGING, so it covers every logger that propagates to
the root: 12-digit personal ID numbers (CCCD / số định danh cá nhân) keep their first 3 digits (the
province of birth code) and last 2; Vietnamese mobile/landline numbers (0xxxxxxxxx or +84/84xxxxxxxxx)
keep their prefix with two digits and the last 3 digits.
"""

import logging
import re

# A run of exactly 12 digits, not part of a longer number.
_ID_NUMBER = re.compile(r"(?<!\d)(\d{3})\d{7}(\d{2})(?!\d)")
# 0 or +84/84, then 9 digits (mobile prefixes 3/5/7/8/9, landlines 2): 10 digits in national form.
_PHONE = re.compile(r"(?<![\d+])((?:\+?84|0)[235789]\d)\d{4}(\d{3})(?!\d)")


def mask_personal_ids(text):
    text = _ID_NUMBER.sub(lambda m: f"{m[1]}*******{m[2]}", text)
    return _PHONE.sub(lambda m: f"{m[1]}****{m[2]}", text)


class MaskPersonalIdFilter(logging.Filter):
    """Rewrites the record's message (with its arguments merged in) and its exception text."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logging's problem, not ours
            return True
        masked = mask_personal_ids(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_ids(record.exc_text)
        return True
