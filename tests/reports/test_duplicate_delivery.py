"""Duplicate scheduling of the reports tasks: two beats, or one task delivered twice, never produce
duplicated or half-written statistics or a second report.

A third PostgreSQL session (tests.processes.LockHolder) holds a lock the first run needs, so the first
run is pinned in the middle of its transaction while the second one arrives: the two runs surely
overlap, on a loaded machine as on an idle one, and no test-only hook is added to the code.
"""

import threading
from datetime import date

import pytest
from django.db import connection

from reports import services
from reports.models import MonthlyReport
from tests.processes import LockHolder, backends_waiting_on_locks, wait_for

MARCH = date(2025, 3, 1)


def _in_threads_while_held(lock_sql, count, target):
    """Start `count` threads running `target()` while another session holds `lock_sql`; release it once
    every thread waits on a lock (so all are inside the work at once). Returns the results."""
    results, errors = [], []

    def run():
        try:
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    with LockHolder(connection.settings_dict) as holder:
        holder.execute(lock_sql)
        for thread in threads:
            thread.start()

        def all_waiting():
            with connection.cursor() as cursor:
                return len(backends_waiting_on_locks(cursor, exclude={holder.pid})) == count

        assert wait_for(all_waiting, timeout=30)
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_report_task_delivered_twice_at_once_builds_one_report_and_one_set_of_files(
        structure, march, monitor, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    services.month_compute(month=MARCH)
    report = MonthlyReport.objects.create(month=MARCH, created_by=monitor)

    # Both deliveries start rendering while the month's rows are held: one renders, the other waits.
    _in_threads_while_held("LOCK TABLE reports_monthlyagencystat IN ACCESS EXCLUSIVE MODE", 2,
                           lambda: services.monthly_report_build(report_id=report.pk))
    services.monthly_report_build(report_id=report.pk)  # and a late third delivery

    report.refresh_from_db()
    assert report.ready and "UBND xã C" in report.html
    files = sorted(path.name for path in (tmp_path / "reports").iterdir())
    assert files == sorted([report.appendix.name.split("/")[-1], report.pdf.name.split("/")[-1]])
    assert MonthlyReport.objects.count() == 1
