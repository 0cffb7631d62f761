"""Beat entries and the thin task wrappers (run in-process here; the worker test runs them for real)."""

from datetime import date

import time_machine
from django.conf import settings

from reports import tasks
from reports.models import MonthlyAgencyStat


def test_beat_schedules_the_current_month_nightly_and_the_previous_month_on_the_first():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["reports.compute_current_month"].day_of_month == set(range(1, 32))
    assert schedule["reports.close_previous_month"].day_of_month == {1}


@time_machine.travel("2025-04-01 02:30 +0700", tick=False)
def test_close_previous_month_on_the_first_computes_the_month_that_ended(structure, march):
    assert tasks.close_previous_month() == {"month": "2025-03-01", "rows": 4}
    assert MonthlyAgencyStat.objects.get(month=date(2025, 3, 1), agency=structure["a"]).received == 7


@time_machine.travel("2025-03-31 01:30 +0700", tick=False)
def test_nightly_task_computes_the_current_month(structure, march):
    tasks.compute_current_month()
    assert set(MonthlyAgencyStat.objects.values_list("month", flat=True)) == {date(2025, 3, 1)}


def test_tasks_retry_database_failures_with_backoff():
    from django.db import OperationalError

    for task in (tasks.compute_month, tasks.compute_range):
        assert OperationalError in task.autoretry_for or any(
            issubclass(OperationalError, kind) for kind in task.autoretry_for
        )
        assert task.retry_backoff and task.max_retries == 5 and task.acks_late
