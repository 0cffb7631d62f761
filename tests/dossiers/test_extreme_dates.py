"""Issue 20 item 9: days out of range answer a translated 400 (a form error on the page, or JSON), never a
500, on the desk queue, the desk API, the audit searches, the late letter and the due-date calculator
(date_to=9999-12-31 overflowed the day after it; the calculator walked past date.max)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from dossiers.models import Dossier
from portal.dates import check_day
from tests.dossiers.desk_helpers import (
    _fast_passwords,  # noqa: F401 (autouse fixture)
    at_monday,  # noqa: F401 (fixture)
    awaiting_approval,
)

pytestmark = pytest.mark.django_db

EXTREME_DAYS = ["9999-12-31", "31/12/9999", "0001-01-01", "01/01/0001", "1999-12-31", "2100-01-01"]
OUT_OF_RANGE = "Ngày phải nằm trong khoảng từ 01/01/2000 đến 31/12/2099."
PAGES = {"desk": "/mot-cua/", "events": "/giam-sat/nhat-ky/", "admin": "/giam-sat/nhat-ky-quan-tri/"}


@pytest.fixture
def users(desk_officer, monitor):
    return {"desk": desk_officer, "events": monitor, "admin": monitor}


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "2100-01-01"])
@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("name", ["date_from", "date_to"])
def test_filter_pages_answer_400_with_the_error_next_to_the_field(client, users, page, name, value):
    client.force_login(users[page])
    response = client.get(PAGES[page], {name: value}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()


@pytest.mark.parametrize("value", EXTREME_DAYS)
def test_filter_pages_never_fail_on_an_extreme_day(client, users, value):
    for page, url in PAGES.items():
        client.force_login(users[page])
        assert client.get(url, {"date_from": value, "date_to": value}).status_code == 400


def test_filter_pages_still_take_a_day_in_range(client, users):
    for page, url in PAGES.items():
        client.force_login(users[page])
        assert client.get(url, {"date_from": "01/01/2000", "date_to": "2099-12-31"}).status_code == 200


@pytest.mark.parametrize("name", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_desk_queue_api_answers_400_for_a_day_out_of_range(desk_officer, name, value):
    api = APIClient()
    api.force_authenticate(desk_officer)
    response = api.get("/api/v1/desk/queue/", {name: value}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response.json()["errors"][name] == [OUT_OF_RANGE]
    assert api.get("/api/v1/desk/queue/", {name: "2026-12-07"}).status_code == 200


@pytest.mark.usefixtures("at_monday")
def test_a_late_letter_cannot_promise_9999_12_31(procedure, desk_officer, specialist, leader):
    dossier = awaiting_approval(procedure, desk_officer, specialist)
    api = APIClient()
    api.force_authenticate(leader)
    response = api.post(f"/api/v1/dossiers/{dossier.code}/late_letter/",
                        {"new_due_date": "9999-12-31", "reason": "x", "version": dossier.version},
                        HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response.json()["errors"]["new_due_date"] == [OUT_OF_RANGE]
    assert Dossier.objects.get(pk=dossier.pk).new_due_date is None


# --- the due-date calculator (page and API) -------------------------------------------------------
CALCULATOR, CALCULATOR_API = "/lich-lam-viec/han-giai-quyet/", "/api/v1/calendar/due-date/"


@pytest.mark.parametrize(("day", "days"), [("9999-12-31", 5), ("9999-12-30", 0), ("0001-01-01", 5),
                                           ("2100-01-01", 1)])
def test_calculator_page_refuses_a_receipt_out_of_range(client, day, days):
    response = client.get(CALCULATOR, {"received_date": day, "days": days}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()


def test_calculator_refuses_a_deadline_after_the_last_day(client):
    response = client.get(CALCULATOR, {"received_date": "2099-12-30", "days": 10}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "Hạn giải quyết sẽ sau ngày 31/12/2099" in response.content.decode()
    api = client.get(CALCULATOR_API, {"received_at": "2099-12-30T09:00", "days": 10}, HTTP_ACCEPT_LANGUAGE="vi")
    assert api.status_code == 400
    assert "Hạn giải quyết sẽ sau ngày 31/12/2099" in str(api.json())
    assert client.get(CALCULATOR, {"received_date": "2099-11-02", "days": 5}).status_code == 200


@pytest.mark.parametrize("moment", ["9999-12-31T10:00", "9999-12-31T23:59+07:00", "9999-12-31T23:00-07:00",
                                    "0001-01-01T00:00+07:00", "0001-01-01T12:00", "0001-01-01T00:00:00",
                                    "1999-12-31T10:00", "2099-12-31T23:59:59-12:00"])
def test_calculator_api_refuses_a_receipt_out_of_range(client, moment):
    response = client.get(CALCULATOR_API, {"received_at": moment, "days": 0})
    assert response.status_code == 400


# --- the class, not the instances -------------------------------------------------------------------
def test_check_day_takes_the_range_and_refuses_the_rest():
    assert check_day(dt.date(2000, 1, 1)) and check_day(dt.date(2099, 12, 31))
    for day in (dt.date.min, dt.date.max, dt.date(1999, 12, 31), dt.date(2100, 1, 1)):
        with pytest.raises(ValidationError):
            check_day(day)


day_strings = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%d/%m/") + f"{d.year:04d}"),
    st.sampled_from(EXTREME_DAYS + ["", "2025-02-30", "29/02/2100", "9" * 30, "-1", "1e999999"]),
)


@given(day=day_strings, days=st.one_of(st.integers(min_value=-10, max_value=10**20).map(str),
                                        st.sampled_from(["1e999999", "NaN", "Infinity", "-0", "365", "366"])))
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_the_calculator_never_fails_on_any_day_or_period(client, day, days):
    assert client.get(CALCULATOR, {"received_date": day, "days": days}).status_code in (200, 400)
    assert client.get(CALCULATOR_API, {"received_at": f"{day}T09:00", "days": days}).status_code in (200, 400)


@given(date_from=day_strings, date_to=day_strings)
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_filters_never_fail_on_any_day(client, users, date_from, date_to):
    for page, url in PAGES.items():
        client.force_login(users[page])
        assert client.get(url, {"date_from": date_from, "date_to": date_to}).status_code in (200, 400)
    api = APIClient()
    api.force_authenticate(users["desk"])
    assert api.get("/api/v1/desk/queue/", {"date_from": date_from, "date_to": date_to}).status_code in (200, 400)
