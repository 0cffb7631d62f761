"""Issue 21 item 13: the drill-down lists what the tile counted when the month was computed, a rate opens its
numerator and its denominator, and the dashboard leads with the summary and the centre's actions, long
tables collapsed, with a one-click recompute for the centre."""

from datetime import date

import time_machine
from django.urls import reverse

from dossiers.models import Role
from reports import selectors, services
from tests import factories
from tests.reports.conftest import at, make_dossier


def _drill(client, **params):
    response = client.get(reverse("reports:dossiers"), {"month": "2025-03", **params})
    assert response.status_code == 200, response.content.decode()[:500]
    return response


def test_the_drill_down_lists_what_the_tile_counted_when_the_month_was_computed(client, march, structure):
    # Computed late on 31/3 while the month was still in progress (every dossier of the fixture is in).
    with time_machine.travel(at("2025-03-31", 23, 45), tick=False):
        services.month_compute(month=date(2025, 3, 1))
    totals = selectors.month_totals(month=date(2025, 3, 1))
    with time_machine.travel(at("2025-04-02", 9), tick=False):
        # Received after the figures were computed, due that day: received in March and overdue since.
        make_dossier(
            procedure=structure["plain"],
            agency=structure["a"],
            channel="counter",
            received_at=at("2025-03-31", 23, 50),
            due_date=date(2025, 3, 31),
        )
        client.force_login(factories.monitor())
        for metric in ("received", "overdue_open", "completed"):
            response = _drill(client, metric=metric)
            assert response.context["page"].paginator.count == totals[metric], metric
            assert "Danh sách như lúc tính số liệu (23:45 31/03/2025)" in response.content.decode()
        assert (
            _drill(client, metric="received", live="on").context["page"].paginator.count
            == totals["received"] + 1
        )
        assert (
            _drill(client, metric="overdue_open", live="on").context["page"].paginator.count
            == totals["overdue_open"] + 1
        )


def test_a_rate_opens_its_numerator_and_denominator(client, march):
    services.month_compute(month=date(2025, 3, 1))
    totals = selectors.month_totals(month=date(2025, 3, 1))
    client.force_login(factories.monitor())
    dashboard = client.get(reverse("reports:dashboard"), {"month": "2025-03"}).content.decode()
    assert "metric=completed_on_time&amp;rate=on_time_rate" in dashboard
    assert "metric=completed&amp;rate=on_time_rate" in dashboard  # the tile's denominator
    assert f"mẫu số {totals['completed']}" in dashboard
    assert "metric=completed_late&amp;group" not in dashboard  # a rate no longer opens the late list only
    response = _drill(client, metric="completed_on_time", rate="on_time_rate")
    html = response.content.decode()
    rate = response.context["rate"]
    assert [(p["metric"], p["count"]) for p in rate["parts"]] == [
        ("completed_on_time", totals["completed_on_time"]),
        ("completed", totals["completed"]),
        ("completed_late", totals["completed_late"]),
    ]
    assert rate["value"] == totals["on_time_rate"]
    assert "Tử số: Giải quyết đúng hạn" in html and "metric=completed&amp;rate=on_time_rate" in html.replace(
        "month=2025-03&amp;", ""
    )


def test_summary_and_actions_come_before_the_long_tables(client, march):
    services.month_compute(month=date(2025, 3, 1))
    client.force_login(factories.monitor())
    html = client.get(reverse("reports:dashboard"), {"month": "2025-03"}).content.decode()
    first_table = html.index('<table class="stats-table">')
    for action in (
        "Tính lại tháng này",
        "Tạo báo cáo tháng",
        "table=agency&amp;format=csv-excel",
        "Chỉ số chính",
    ):
        assert html.index(action) < first_table, action
    assert html.count('<details class="long-table"') >= 3


def test_only_the_centre_gets_the_recompute_button(client, march, structure):
    services.month_compute(month=date(2025, 3, 1))
    leader = factories.officer(structure["a"], Role.LEADER)
    client.force_login(leader)
    html = client.get(reverse("reports:dashboard"), {"month": "2025-03"}).content.decode()
    assert "Tính lại tháng này" not in html and "Số liệu tính lúc" in html
    assert (
        client.post(reverse("reports:recompute"), {"start": "2025-03", "end": "2025-03"}).status_code == 404
    )


def test_766_drill_downs_list_what_the_indicator_counted_when_the_month_was_computed(client, march, structure):
    """Issue 21 leftover: the 766 indicators are shown as of the month's computation and their numerator
    and denominator lists count the same dossiers, not the dossiers as of now (`live` gives those)."""
    from reports import metrics

    with time_machine.travel(at("2025-03-31", 23, 45), tick=False):
        services.month_compute(month=date(2025, 3, 1))
    computed_at = selectors.month_computed_at(month=date(2025, 3, 1))
    then = {line["indicator"].code: line for line in
            metrics.indicator_values(month=date(2025, 3, 1), now=computed_at)["lines"]}
    with time_machine.travel(at("2025-04-02", 9), tick=False):
        # Received in March after the computation (23:50), and processed on 1/4, late.
        make_dossier(procedure=structure["plain"], agency=structure["a"], channel="online",
                     received_at=at("2025-03-31", 23, 50), due_date=date(2025, 3, 31), status="returned",
                     completed_at=at("2025-04-01", 10), returned_at=at("2025-04-01", 11),
                     closed_at=at("2025-04-01", 11))
        monitor = factories.monitor()
        client.force_login(monitor)
        context = selectors.report_context(month=date(2025, 3, 1), user=monitor)
        shown = {line["indicator"].code: line for line in context["indicators_766"]["lines"]}
        assert {code: (line["numerator"], line["denominator"]) for code, line in shown.items()} == {
            code: (line["numerator"], line["denominator"]) for code, line in then.items()}
        for code, part, key in (("3.1", "n", "numerator"), ("3.1", "d", "denominator"),
                                ("2.1", "d", "denominator")):
            listing = _drill(client, metric=f"766-{code}-{part}")
            assert listing.context["page"].paginator.count == then[code][key], (code, part)
            live = _drill(client, metric=f"766-{code}-{part}", live="on")
            assert live.context["page"].paginator.count == then[code][key] + 1, (code, part, "live")
