"""Month arithmetic and the one parser of a 'YYYY-MM' month typed by a person or a client."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# Months a province can have statistics for: MotCua's data starts after 2000, and a month past 2099
# is a typo (9999-12 would overflow the month after it).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def parse_month(value):
    """The first day of the month 'YYYY-MM', or ValueError when it is not one or lies out of range."""
    value = (value or "").strip()
    if not MONTH_PATTERN.match(value) or not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
        raise ValueError(value)
    return date(int(value[:4]), int(value[5:7]), 1)


def month_start(value):
    """First day of the month of a date (or a 'YYYY-MM' string)."""
    if isinstance(value, str):
        year, month = (int(part) for part in value.split("-")[:2])
        return date(year, month, 1)
    return value.replace(day=1)


def next_month(first):
    return (first + timedelta(days=32)).replace(day=1)


def month_bounds(first):
    """Aware datetimes of the local midnights that open and close the month."""
    tz = ZoneInfo(settings.TIME_ZONE)
    after = next_month(first)
    return datetime.combine(first, time(), tz), datetime.combine(after, time(), tz)


def overdue_as_of(first, now=None):
    """When "overdue open" is judged for the month starting `first`: (instant, day).

    A closed month is judged at its end (open at the first instant of the next month, due before its
    first day). The month in progress is judged now: open now, due before today — a dossier due later
    this month is not overdue yet (issue 15: on 2 December every open dossier due in December counted).
    """
    from django.utils import timezone

    now = now or timezone.now()
    _start, next_ts = month_bounds(first)
    if next_ts <= now:
        return next_ts, next_month(first)
    return now, timezone.localdate(now)
