"""GET /api/v1/reports/monthly/, POST /api/v1/reports/recompute/, GET /api/v1/reports/tasks/{id}/."""

from datetime import date

import pytest

from reports import opendata, services
from reports.models import PublishedMonth
from tests import factories
from tests.permissions import assert_permission_matrix

URL = "/api/v1/reports/monthly/"


@pytest.fixture
def computed(structure, march):
    services.month_compute(month=date(2025, 3, 1))
    return structure


def test_monthly_returns_documented_fields_with_rates_in_percent(client, computed, monitor):
    client.force_login(monitor)
    response = client.get(URL, {"month": "2025-03", "group": "agency"})
    assert response.status_code == 200
    rows = {r["name"]: r for r in response.json()}
    a = rows["Sở A"]
    expected = {"key": computed["a"].pk, "name": "Sở A", "received": 7, "received_online": 3, "online_rate": 42.9,
                "completed": 3, "completed_on_time": 2, "on_time_rate": 66.7, "digitization_rate": 57.1,
                "online_payment_rate": 66.7, "satisfaction_rate": 66.7, "target_online_rate": 55.0}
    assert {k: a[k] for k in expected} == expected
    assert a["received_assisted"] == 1 and a["overdue_open"] == 2 and a["completed_late"] == 1
    empty = rows["Sở E (chưa có hồ sơ)"]
    assert empty["online_rate"] is None and empty["on_time_rate"] is None and empty["received"] == 0


def test_monthly_province_group_sums_counts(client, computed, monitor):
    client.force_login(monitor)
    [province] = client.get(URL, {"month": "2025-03", "group": "province"}).json()
    assert (province["received"], province["received_online"], province["online_rate"]) == (8, 3, 37.5)
    assert province["target_online_rate"] == 50.0


@pytest.mark.parametrize("params, field", [
    ({"month": "2025-13", "group": "agency"}, "month"),
    ({"month": "março", "group": "agency"}, "month"),
    ({"group": "agency"}, "month"),
    ({"month": "2025-03", "group": "ward"}, "group"),
])
def test_monthly_bad_input_is_400_naming_the_field(client, computed, monitor, params, field):
    client.force_login(monitor)
    response = client.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


def test_monthly_permissions(client, computed, monitor):
    url = f"{URL}?month=2025-03&group=agency"
    citizen = factories.UserFactory()
    desk = factories.officer(computed["a"], "desk_officer")
    leader = factories.officer(computed["a"], "leader")
    [_monitor_response, leader_response] = assert_permission_matrix(
        client, "get", url, outsiders=[citizen, desk], insiders=[monitor, leader]
    )
    assert [r["key"] for r in leader_response.json()] == [computed["a"].pk]


def test_monthly_of_a_published_month_is_public(client, computed):
    PublishedMonth.objects.create(month=date(2025, 3, 1))
    response = client.get(URL, {"month": "2025-03", "group": "province"})
    assert response.status_code == 200 and response.json()[0]["received"] == 8


def test_recompute_is_monitor_only_and_returns_a_task_id(client, computed, monitor, monkeypatch):
    queued = []
    monkeypatch.setattr(services, "recompute_start", lambda *, start, end: queued.append((start, end)) or "task-1")
    responses = assert_permission_matrix(
        client, "post", "/api/v1/reports/recompute/", data={"start": "2025-01", "end": "2025-03"},
        content_type="application/json", outsiders=[factories.officer(computed["a"], "leader")], insiders=[monitor],
        ok_statuses=(202,),
    )
    assert responses[0].json() == {"task_id": "task-1"}
    assert queued == [(date(2025, 1, 1), date(2025, 3, 1))]


def test_recompute_rejects_an_end_before_the_start(client, monitor):
    client.force_login(monitor)
    response = client.post("/api/v1/reports/recompute/", {"start": "2025-03", "end": "2025-01"},
                           content_type="application/json")
    assert response.status_code == 400 and "end" in response.json()


def test_task_progress_reads_the_result_backend(client, monitor, db):
    from portal.celery import app

    app.backend.store_result("progress-test", {"done": 3, "total": 12}, "PROGRESS")
    client.force_login(monitor)
    response = client.get("/api/v1/reports/tasks/progress-test/")
    assert response.status_code == 200
    assert response.json() == {"task_id": "progress-test", "state": "PROGRESS", "done": 3, "total": 12, "percent": 25}


def test_monthly_key_code_lets_clients_match_agencies(client, computed, monitor):
    client.force_login(monitor)
    rows = {r["code"]: r for r in client.get(URL, {"month": "2025-03", "group": "agency"}).json()}
    assert rows[computed["a"].code]["received"] == 7
    levels = {r["key"]: r for r in client.get(URL, {"month": "2025-03", "group": "level"}).json()}
    assert levels["commune"]["target_online_rate"] == 20.0 and levels["province"]["on_time_rate"] == 66.7


def test_published_month_shows_every_agency_even_to_a_leader(client, computed):
    PublishedMonth.objects.create(month=date(2025, 3, 1))
    client.force_login(factories.officer(computed["b"], "leader"))
    rows = client.get(URL, {"month": "2025-03", "group": "agency"}).json()
    assert {r["key"] for r in rows} >= {computed["a"].pk, computed["b"].pk}


def test_published_month_public_figures_are_suppressed_and_the_centre_keeps_exact_ones(client, computed, monitor):
    """The public answer applies the open data rule, the same code (reports.opendata.suppress,
    docs/open-data.md): Sở A's 3 self-service online dossiers are a small cell (< 5), hidden with the
    rates and figures derived from it; the provincial centre's monitor still reads 3, and so does the
    agency's leader asking for exact figures."""
    PublishedMonth.objects.create(month=date(2025, 3, 1))
    params = {"month": "2025-03", "group": "agency"}
    anonymous = client.get(URL, params)
    assert anonymous.status_code == 200 and anonymous["X-Statistics-Figures"] == "suppressed"
    rows = anonymous.json()
    a = {r["name"]: r for r in rows}["Sở A"]
    assert a["received_online"] is None and a["online_rate"] is None and a["target_gap"] is None
    assert a["received_online_all"] is None
    assert a["completed"] is None and a["processing_days_sum"] is None and a["avg_processing_days"] is None
    published = opendata.group_rows(date(2025, 3, 1), "agency")
    for name in (*opendata.COUNTS, *opendata.RATE_FIELDS):
        assert [r[name] for r in rows] == [r[name] for r in published], name
    assert client.get(URL, {**params, "figures": "exact"}).status_code == 401

    client.force_login(monitor)
    exact = client.get(URL, params)
    assert exact["X-Statistics-Figures"] == "exact"
    a = {r["name"]: r for r in exact.json()}["Sở A"]
    assert (a["received"], a["received_online"], a["online_rate"], a["completed"]) == (7, 3, 42.9, 3)
    preview = client.get(URL, {**params, "figures": "public"})
    assert preview["X-Statistics-Figures"] == "suppressed" and preview.json() == rows

    client.force_login(factories.officer(computed["a"], "leader"))
    assert client.get(URL, params).json() == rows  # every agency, the public figures
    [own] = client.get(URL, {**params, "figures": "exact"}).json()
    assert (own["name"], own["received_online"]) == ("Sở A", 3)
    client.force_login(factories.UserFactory())
    assert client.get(URL, {**params, "figures": "exact"}).status_code == 403
