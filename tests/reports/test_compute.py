"""compute_month on hand-made dossiers: every count and rate of DESIGN.md "Monthly statistics"."""

import threading
from datetime import date

import pytest
from django.db import DatabaseError, OperationalError, connection

from procedures.selectors import working_calendar
from reports import selectors, services
from reports.models import COUNT_FIELDS, COUNTER_COUNT_FIELDS, MonthlyAgencyStat
from tests.reports.conftest import at

MARCH = date(2025, 3, 1)


def row(agency, month=MARCH):
    return MonthlyAgencyStat.objects.get(month=month, agency=agency)


def counts(agency, month=MARCH):
    values = MonthlyAgencyStat.objects.filter(month=month, agency=agency).values(*COUNT_FIELDS).get()
    return {k: v for k, v in values.items()}


def test_month_counts_every_figure_of_the_receiving_agency(structure, march):
    services.month_compute(month=MARCH)
    calendar = working_calendar()
    processing_days = (
        calendar.working_days_between(date(2025, 3, 3), date(2025, 3, 10))
        + calendar.working_days_between(date(2025, 3, 5), date(2025, 3, 20))
        + calendar.working_days_between(date(2025, 2, 20), date(2025, 3, 4))
    )
    assert counts(structure["a"]) == {
        "received": 7, "received_online": 3, "received_online_partial": 1, "received_online_full": 2,
        "received_assisted": 1, "received_counter": 3, "received_postal": 0,
        "completed": 3, "completed_on_time": 2, "completed_late": 1, "processing_days_sum": processing_days,
        "overdue_open": 2, "digitized": 4, "reuse_needed": 2, "reused": 1, "fee_due": 3, "fee_paid_online": 2,
        "ratings": 3, "ratings_satisfied": 2, **dict.fromkeys(COUNTER_COUNT_FIELDS, 0),
    }
    assert processing_days == 5 + 11 + 8


def test_rates_are_computed_from_counts_in_percent_with_one_decimal(structure, march):
    services.month_compute(month=MARCH)
    by_key = {g["key"]: g for g in selectors.monthly_groups(month=MARCH, group="agency")}
    a = by_key[structure["a"].pk]
    assert a["online_rate"] == 42.9  # 3 / 7
    assert a["online_rate_with_assisted"] == 57.1  # 4 / 7
    assert a["on_time_rate"] == 66.7
    assert a["digitization_rate"] == 57.1
    assert a["online_payment_rate"] == 66.7
    assert a["satisfaction_rate"] == 66.7
    assert a["reuse_rate"] == 50.0
    assert a["avg_processing_days"] == 8.0
    assert a["target_online_rate"] == 55.0
    assert a["target_gap"] == -12.1
    c = by_key[structure["c"].pk]
    assert (c["received"], c["digitization_rate"], c["online_rate"]) == (1, 0.0, 0.0)
    assert c["online_payment_rate"] is None and c["on_time_rate"] is None
    assert c["target_online_rate"] == 20.0


def test_agency_without_dossiers_has_a_row_with_null_rates(structure, march):
    services.month_compute(month=MARCH)
    by_key = {g["key"]: g for g in selectors.monthly_groups(month=MARCH, group="agency")}
    empty = by_key[structure["e"].pk]
    assert empty["received"] == 0 and empty["completed"] == 0
    for rate in ("online_rate", "on_time_rate", "digitization_rate", "online_payment_rate", "satisfaction_rate"):
        assert empty[rate] is None


def test_agency_not_in_force_that_month_gets_no_row(structure, march):
    services.month_compute(month=MARCH)
    assert not MonthlyAgencyStat.objects.filter(agency=structure["x"]).exists()


def test_transferred_dossier_counts_once_for_the_receiving_agency(structure, march):
    services.month_compute(month=MARCH)
    assert row(structure["b"]).received == 0
    province = selectors.month_totals(month=MARCH)
    assert province["received"] == 8  # 7 of A + 1 of C, the transferred one once


def test_dossier_received_in_one_month_is_completed_in_the_next(structure, march):
    services.month_compute(month=MARCH)
    services.month_compute(month="2025-04")
    april = row(structure["a"], date(2025, 4, 1))
    assert (april.received, april.completed, april.completed_on_time, april.completed_late) == (1, 2, 0, 2)
    assert (april.ratings, april.ratings_satisfied) == (1, 0)
    assert row(structure["a"]).completed == 3


def test_groups_sum_counts_by_district_level_and_province(structure, march):
    services.month_compute(month=MARCH)
    districts = {g["key"]: g for g in selectors.monthly_groups(month=MARCH, group="district")}
    assert districts[structure["tree"]["district"].pk]["received"] == 1
    assert districts[None]["received"] == 7 and districts[None]["target_online_rate"] == 55.0
    levels = {g["key"]: g for g in selectors.monthly_groups(month=MARCH, group="level")}
    assert levels["province"]["received"] == 7 and levels["commune"]["received"] == 1
    province = selectors.month_totals(month=MARCH)
    assert province["online_rate"] == 37.5  # 3 / 8: summed counts, not the mean of 42.9 and 0.0
    assert province["target_online_rate"] == 50.0


def test_rerun_leaves_identical_rows(structure, march):
    services.month_compute(month=MARCH)
    first = list(MonthlyAgencyStat.objects.filter(month=MARCH).order_by("agency").values("agency", *COUNT_FIELDS))
    services.month_compute(month=MARCH)
    again = list(MonthlyAgencyStat.objects.filter(month=MARCH).order_by("agency").values("agency", *COUNT_FIELDS))
    assert first == again and len(first) == 4


def test_failing_run_leaves_the_previous_rows_intact(structure, march, make, monkeypatch):
    services.month_compute(month=MARCH)
    before = list(MonthlyAgencyStat.objects.filter(month=MARCH).order_by("agency").values("id", *COUNT_FIELDS))
    make(procedure=structure["plain"], agency=structure["a"], channel="counter", received_at=at("2025-03-20"))

    def fail_after_the_delete(*args, **kwargs):
        assert not MonthlyAgencyStat.objects.filter(month=MARCH).exists()  # the old rows are gone…
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(MonthlyAgencyStat.objects, "bulk_create", fail_after_the_delete)
    with pytest.raises(OperationalError):
        services.month_compute(month=MARCH)
    after = list(MonthlyAgencyStat.objects.filter(month=MARCH).order_by("agency").values("id", *COUNT_FIELDS))
    assert after == before  # …and back: the transaction rolled back


def test_broken_query_leaves_the_previous_rows_intact(structure, march, monkeypatch):
    services.month_compute(month=MARCH)
    before = list(MonthlyAgencyStat.objects.filter(month=MARCH).order_by("agency").values("id", *COUNT_FIELDS))
    monkeypatch.setattr(services, "COMPUTE_SQL", services.COMPUTE_SQL.replace("count(*) AS received,", "1/0,"))
    with pytest.raises(DatabaseError):
        services.month_compute(month=MARCH)
    after = list(MonthlyAgencyStat.objects.filter(month=MARCH).order_by("agency").values("id", *COUNT_FIELDS))
    assert after == before


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_write_the_month_once(structure, march):
    errors = []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            services.month_compute(month=MARCH)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert MonthlyAgencyStat.objects.filter(month=MARCH).count() == 4
    assert row(structure["a"]).received == 7
