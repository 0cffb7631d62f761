"""Personal ID numbers (CCCD) and phone numbers are masked in log output."""

import logging

from portal.logging import MaskPersonalIdFilter, mask_personal_ids


def test_id_numbers_and_phone_numbers_are_masked():
    text = mask_personal_ids("CCCD 042095001234, ĐT 0912345678 / +84912345678, mã 000.00.12.H42-250701-0001")
    assert "042095001234" not in text and "042*******34" in text
    assert "0912345678" not in text and "091****678" in text
    assert "+84912345678" not in text and "+8491****678" in text
    assert "000.00.12.H42-250701-0001" in text  # dossier codes are not personal data


def test_longer_digit_runs_and_short_numbers_are_left_alone():
    assert mask_personal_ids("order 12345678901234 amount 1500000") == "order 12345678901234 amount 1500000"


def _record(msg, args=(), exc_info=None):
    return logging.LogRecord("dossiers", logging.INFO, __file__, 1, msg, args, exc_info)


def test_filter_masks_arguments_and_exception_text():
    record = _record("lookup by %s and %s", ("042095001234", "0987654321"))
    assert MaskPersonalIdFilter().filter(record) is True
    assert record.getMessage() == "lookup by 042*******34 and 098****321"

    try:
        raise ValueError("bad id 042095001234")
    except ValueError:
        import sys

        record = _record("failed", exc_info=sys.exc_info())
    MaskPersonalIdFilter().filter(record)
    assert "042095001234" not in logging.Formatter().format(record)


def test_the_filter_is_installed_on_the_console_handler(settings, capsys):
    from logging.config import dictConfig

    dictConfig(settings.LOGGING)
    logging.getLogger("dossiers.views").warning("citizen %s rang from %s", "042095001234", "0912345678")
    err = capsys.readouterr().err
    assert "042*******34" in err and "091****678" in err
    assert "042095001234" not in err and "0912345678" not in err
