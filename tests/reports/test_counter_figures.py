"""The counter's figures in the monthly statistics (issue 19 item 4): tickets, waits against 15 minutes,
no-shows and receipts per desk officer, one row per month and agency, with the tickets behind each number."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dossiers.counter import ServicePoint, Ticket
from dossiers.models import Role
from procedures.models import Level
from reports import counter, selectors, services
from reports.models import MonthlyAgencyStat
from tests import factories
from tests.dossiers.desk_helpers import (
    _fast_passwords,  # noqa: F401 (autouse fixture)
    received,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = date(2025, 3, 1)
MORNING = datetime(2025, 3, 3, 8, 0, tzinfo=VN)  # a Monday


@pytest.fixture
def centre(db):
    agency = factories.AgencyFactory(level=Level.DISTRICT)
    procedure = factories.ProcedureFactory(agencies=[agency])
    return {"agency": agency, "procedure": procedure, "counter": ServicePoint.objects.create(agency=agency, number=1),
            "desk": factories.officer(agency, Role.DESK_OFFICER)}


def _ticket(centre, number, issued, called=None, done=None, status=Ticket.State.DONE, start=MORNING):
    return Ticket.objects.create(
        agency=centre["agency"], day=start.date(), number=number, field=centre["procedure"].field, status=status,
        counter=centre["counter"] if called is not None else None, idempotency_key=uuid.uuid4(),
        issued_at=start + timedelta(minutes=issued),
        called_at=start + timedelta(minutes=called) if called is not None else None,
        done_at=start + timedelta(minutes=done) if done is not None else None,
    )


@pytest.fixture
def month_of_tickets(centre):
    """Waits 5, 10, 20, 30 minutes (the last absent when called), one never called; one of April."""
    _ticket(centre, 1, 0, called=5, done=15)
    _ticket(centre, 2, 0, called=10, done=30)
    _ticket(centre, 3, 0, called=20, done=26)
    _ticket(centre, 4, 0, called=30, done=32, status=Ticket.State.NO_SHOW)
    _ticket(centre, 5, 40, status=Ticket.State.WAITING)
    _ticket(centre, 1, 0, called=1, done=2, start=datetime(2025, 4, 1, 8, 0, tzinfo=VN))
    with time_machine.travel(MORNING, tick=False):
        for _i in range(3):
            received(centre["procedure"], centre["desk"])
    return centre


def test_the_month_row_counts_the_centres_tickets_waits_and_receipts(month_of_tickets):
    services.month_compute(month=MARCH)
    row = MonthlyAgencyStat.objects.get(month=MARCH, agency=month_of_tickets["agency"])
    assert (row.tickets_issued, row.tickets_called, row.tickets_done, row.tickets_within_target,
            row.tickets_no_show) == (5, 4, 3, 2, 1)
    assert row.wait_seconds_sum == (5 + 10 + 20 + 30) * 60
    assert (row.received_by_officers, row.reception_officers) == (3, 1)
    april = services.month_compute(month=date(2025, 4, 1))
    assert april and MonthlyAgencyStat.objects.get(month=date(2025, 4, 1), agency=month_of_tickets["agency"]
                                                   ).tickets_issued == 1


def test_the_grouped_figures_derive_the_mean_wait_the_share_within_15_minutes_and_productivity(month_of_tickets):
    services.month_compute(month=MARCH)
    (row,) = [g for g in selectors.monthly_groups(month=MARCH, group="agency")
              if g["key"] == month_of_tickets["agency"].pk]
    assert row["avg_wait_minutes"] == 16.3  # (5 + 10 + 20 + 30) / 4 = 16.25, half up
    assert row["wait_within_target_rate"] == 50.0  # 5 and 10 minutes of four called
    assert row["no_show_rate"] == 25.0
    assert row["productivity_per_year"] == 36  # 3 receipts by one officer × 12
    province = selectors.month_totals(month=MARCH)
    assert (province["tickets_issued"], province["avg_wait_minutes"]) == (5, 16.3)
    (counter_row,) = counter.counter_rows([row])
    assert (counter_row["productivity_target"], counter_row["productivity_meets"]) == (1600, False)


def test_every_counter_figure_opens_the_tickets_it_counted(month_of_tickets):
    services.month_compute(month=MARCH)
    row = MonthlyAgencyStat.objects.get(month=MARCH, agency=month_of_tickets["agency"])
    for metric in counter.TICKET_METRICS:
        listed = counter.metric_tickets(month=MARCH, metric=metric, agency_ids=[row.agency_id]).count()
        expected = row.tickets_called - row.tickets_within_target if metric == "tickets_over_target" else getattr(
            row, metric)
        assert listed == expected, metric
    summary = counter.ticket_summary(counter.metric_tickets(month=MARCH, metric="tickets_called"))
    assert summary == {"called": 4, "mean_wait_minutes": 16.3, "p90_wait_minutes": 27.0}


def test_the_dashboard_shows_the_counter_table_and_the_ticket_list_for_the_monitor(client, month_of_tickets):
    services.month_compute(month=MARCH)
    client.force_login(factories.monitor())
    page = client.get(reverse("reports:dashboard"), {"month": "2025-03"}).content.decode()
    assert 'id="counter-title"' in page and "16,3" in page and "50,0%" in page
    assert "/mot-cua/quay/so-lieu/?start=01%2F03%2F2025&amp;end=31%2F03%2F2025" in page  # per officer, the month
    listed = client.get(reverse("reports:tickets"), {"month": "2025-03", "metric": "tickets_within_target",
                                                    "rate": "wait_within_target_rate",
                                                    "agency": month_of_tickets["agency"].pk})
    body = listed.content.decode()
    assert listed.status_code == 200
    assert "2 phiếu" in body and "<th scope=\"row\">001</th>" in body and "<th scope=\"row\">003</th>" not in body
    assert "Phiếu chờ quá 15 phút (2)" in body  # the rate's missed part, one click away
    assert client.get(reverse("reports:tickets"), {"month": "2025-03", "metric": "nope"}).status_code == 400


def test_an_officer_of_no_report_scope_cannot_list_tickets(client, month_of_tickets):
    services.month_compute(month=MARCH)
    client.force_login(month_of_tickets["desk"])
    assert client.get(reverse("reports:tickets"), {"month": "2025-03", "metric": "tickets_issued"}).status_code == 404
