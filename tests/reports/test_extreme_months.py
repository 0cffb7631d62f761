"""Issue 20 item 9: months that are not months answer a translated 400 on every page and endpoint that
takes one, never a 500 (0000-01 failed in date(), 9999-12 overflowed the month after it)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.months import parse_month

EXTREMES = ["0000-01", "0001-01", "1999-12", "9999-12", "2100-01", "2025-13", "2025-00", "25-03", "2025-3",
            "2025-03-01", "", " ", "１２３４-05", "2025-03\x00"]


@pytest.mark.parametrize("value", EXTREMES)
def test_parse_month_refuses(value):
    with pytest.raises(ValueError):
        parse_month(value)


@given(st.text(max_size=12))
@settings(max_examples=300)
def test_parse_month_gives_a_first_day_or_value_error(value):
    try:
        first = parse_month(value)
    except ValueError:
        return
    assert first.day == 1 and 2000 <= first.year <= 2099


def _pages():
    return [
        ("reports:dashboard", {}),
        ("reports:dossiers", {"metric": "received"}),
        ("reports:export", {"table": "agency", "format": "csv"}),
        ("reports:public", {}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["0000-01", "0001-01", "9999-12", "2025-13"])
@pytest.mark.parametrize(("name", "extra"), _pages())
def test_pages_answer_400_for_a_month_out_of_range(client, monitor, name, extra, month):
    client.force_login(monitor)
    response = client.get(reverse(name), {"month": month, **extra}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    body = str(response.json()) if response["Content-Type"].startswith("application/json") else response.content.decode()
    assert "Tháng phải có dạng YYYY-MM" in body


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["0000-01", "0001-01", "9999-12"])
def test_api_answers_400_for_a_month_out_of_range(client, monitor, month):
    client.force_login(monitor)
    response = client.get(reverse("api-reports-monthly"), {"month": month})
    assert response.status_code == 400
    recompute = client.post(reverse("api-reports-recompute"), {"start": month}, content_type="application/json")
    assert recompute.status_code == 400


@pytest.mark.django_db
@given(month=st.from_regex(r"\A\d{4}-\d{2}\Z"))
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_public_page_never_fails_on_any_month_shape(client, month):
    response = client.get(reverse("reports:public"), {"month": month})
    assert response.status_code in (200, 400, 404)
