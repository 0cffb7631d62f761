"""The days MotCua accepts from a person or a client, and the one date field that bounds them.

Issue 20 item 9: `date_to=9999-12-31` overflowed the day after it (date.max + 1 day) in the desk queue
and the audit searches, and the due-date calculator walked past date.max. Every date typed into a
filter, a desk action or the calculator goes through `BoundedDateField` (or `check_day`), so a day out
of range is a translated form error (a 400), never a 500. Same years as reports.months.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# Records (dossiers, events, deadlines): MotCua's data starts after 2000; a day past 2099 is a typo.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)
# What a citizen may type in an application form (a birth date, a land-use certificate's date).
EARLIEST_DAY = date(1900, 1, 1)
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
OUT_OF_RANGE = _("Ngày phải nằm trong khoảng từ %(first)s đến %(last)s.")


def check_day(day, *, first=FIRST_DAY, last=LAST_DAY):
    """`day` if it lies in [first, last]; else a translated ValidationError (code 'date_range')."""
    if not first <= day <= last:
        raise ValidationError(OUT_OF_RANGE, code="date_range",
                              params={"first": first.strftime("%d/%m/%Y"), "last": last.strftime("%d/%m/%Y")})
    return day


class BoundedDateField(forms.DateField):
    """A day typed dd/mm/yyyy (or ISO), refused with a translated message outside [first, last]."""

    default_error_messages = {"invalid": _("Ngày không hợp lệ, nhập theo dạng dd/mm/yyyy.")}

    def __init__(self, *, first=FIRST_DAY, last=LAST_DAY, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        super().__init__(**kwargs)
        self.validators.append(lambda day: check_day(day, first=first, last=last))


class BoundedDateTimeField(serializers.DateTimeField):
    """An API moment whose day (as written) lies in [FIRST_DAY, LAST_DAY]; checked before DRF's time zone
    step, which itself overflows on 0001-01-01T00:00 (no UTC for it)."""

    def enforce_timezone(self, value):
        try:
            check_day(value.date())
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return super().enforce_timezone(value)
