"""Logging filter that keeps personal identifiers out of log output.

Installed on the console handler in settings.LOGGING, so it covers every logger that propagates to
the root. The masking rule (ID numbers `042*******01`, phone numbers `091****678`) is portal/privacy.py's,
the same one the pages use.
"""

import logging

from portal.privacy import mask_personal_ids

__all__ = ["MaskPersonalIdFilter", "mask_personal_ids"]


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
