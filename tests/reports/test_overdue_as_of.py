"""Issue 15: "overdue open" for the month in progress is judged now, not at the month's end.

On 2 December every open dossier due before 1 January used to count as overdue. Under a frozen clock:
a dossier due yesterday is overdue now, one due today or later this month is not; a closed month is
still judged at its end. The SQL (month_compute) and the drill-down (metric_dossiers) agree.
"""

from datetime import date

import time_machine

from reports import selectors, services
from reports.models import MonthlyAgencyStat
from tests import factories
from tests.reports.conftest import at


def _open(make, structure, due, received="2026-11-20"):
    return make(procedure=structure["plain"], agency=structure["a"], status="processing",
                received_at=at(received), due_date=date.fromisoformat(due))


def test_in_progress_month_counts_only_what_is_already_late(structure, make):
    late = _open(make, structure, "2026-12-01")
    for due in ("2026-12-02", "2026-12-04", "2026-12-23"):  # due today or later this month
        _open(make, structure, due)
    with time_machine.travel(at("2026-12-02", 9), tick=False):
        services.month_compute(month=date(2026, 12, 1))
        row = MonthlyAgencyStat.objects.get(month=date(2026, 12, 1), agency=structure["a"])
        assert row.overdue_open == 1
        listed = selectors.metric_dossiers(user=factories.monitor(), month=date(2026, 12, 1),
                                           metric="overdue_open")
        assert [d.pk for d in listed] == [late.pk]


def test_a_closed_month_is_judged_at_its_end(structure, make):
    for due in ("2026-11-25", "2026-11-30", "2026-12-04"):
        _open(make, structure, due, received="2026-11-10")
    with time_machine.travel(at("2026-12-02", 9), tick=False):
        services.month_compute(month=date(2026, 11, 1))
    row = MonthlyAgencyStat.objects.get(month=date(2026, 11, 1), agency=structure["a"])
    assert row.overdue_open == 2  # due before 1 December; the one due 4 December was not late in November


def test_as_of_instants():
    with time_machine.travel(at("2026-12-02", 9), tick=False):
        instant, day = services.overdue_as_of(date(2026, 12, 1))
        assert day == date(2026, 12, 2)
        instant, day = services.overdue_as_of(date(2026, 11, 1))
        assert day == date(2026, 12, 1) and instant == at("2026-12-01", 0)
