"""Read queries of the procedures app, reused by views, API, other apps and tasks."""

from datetime import time

from django.conf import settings

from procedures.calendar import WorkingCalendar
from procedures.models import CalendarException


def working_calendar():
    """The province's calendar: the holidays package plus what administrators entered."""
    rows = list(CalendarException.objects.values_list("date", "kind", "name"))
    hour, minute = (int(part) for part in settings.RECEIPT_CUTOFF.split(":"))
    return WorkingCalendar(
        extra_days_off={d: name for d, kind, name in rows if kind == CalendarException.Kind.DAY_OFF},
        extra_working_days={d: name for d, kind, name in rows if kind == CalendarException.Kind.WORKING_DAY},
        cutoff=time(hour, minute),
    )
