"""Dates read dd/mm/yyyy and money 1.000.000 đ, whatever the page's language."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from portal.templatetags.motcua import vnd


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_day_month_year_in_both_languages(language):
    moment = datetime.datetime(2025, 7, 1, 14, 5)
    with translation.override(language):
        assert formats.date_format(moment.date()) == "01/07/2025"
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "01/07/2025"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "01/07/2025 14:05"
        assert Template("{{ day|date }}").render(Context({"day": moment.date()})) == "01/07/2025"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_typed_day_month_year_dates_are_accepted(language):
    from django import forms

    with translation.override(language):
        assert forms.DateField().clean("01/07/2025") == datetime.date(2025, 7, 1)


def test_money_in_dong():
    assert vnd(1_000_000) == "1.000.000 đ"
    assert vnd(8000) == "8.000 đ"
    assert vnd(None) == ""
