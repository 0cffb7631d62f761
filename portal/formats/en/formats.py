"""The English pages serve the same province: dates stay dd/mm/yyyy (see portal/formats/vi)."""

from portal.formats.vi.formats import (  # noqa: F401
    DATE_FORMAT,
    DATE_INPUT_FORMATS,
    DATETIME_FORMAT,
    DATETIME_INPUT_FORMATS,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)
