"""Duplicate scheduling of the reports tasks: two beats, or one task delivered twice, never produce
duplicated or half-written statistics or a second report.

A third PostgreSQL session (tests.processes.LockHolder) holds a lock the first run needs, so the first
run is pinned in the middle of its transaction while the second one arrives: the two runs surely
overlap, on a loaded machine as on an idle one, and no test-only hook is added to the code.
"""

import threading
import time

import pytest
from celery.result import AsyncResult
from django.conf import settings as django_settings
from django.db import connection

from reports import services, tasks
from reports.models import MonthlyReport
from tests.processes import (
    LockHolder,
    backends_waiting_on_locks,
    database_url,
    purge_broker,
    start_celery_worker,
    stop_process,
    tail_log,
    wait_for,
)
from tests.reports.compute_faults import (
    MARCH,
    compute_sessions,
    month_rows,
    pin_while_writing,
    rows_of_a_direct_compute,
    stale_month,
)


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


@pytest.mark.slow
@pytest.mark.xdist_group("celery")
def test_two_workers_given_the_same_month_at_once_write_one_whole_set_of_rows(
        transactional_db, structure, march, tmp_path):
    """Two beats send `compute_month` for the same month; two worker processes take one message each.

    The first run is pinned after deleting the old rows, while inserting the new ones; the second must
    then be waiting for the month's advisory lock (not racing it). Meanwhile and afterwards a reader
    only ever sees the old set of rows or the new one, never a mix, an empty month or duplicates.
    """
    month = stale_month(structure)
    purge_broker()
    env = {"DATABASE_URL": database_url(connection.settings_dict), "REDIS_URL": django_settings.REDIS_URL}
    seen, stop_watching = [], threading.Event()

    def watch_the_month():
        try:
            while not stop_watching.is_set():
                rows = month_rows()
                if not seen or seen[-1] != rows:
                    seen.append(rows)
                time.sleep(0.02)
        finally:
            connection.close()

    watcher = threading.Thread(target=watch_the_month)
    logs = [open(tmp_path / f"worker-{n}.log", "w+") for n in (1, 2)]  # noqa: SIM115 - closed below
    workers = []
    holder = LockHolder(connection.settings_dict).execute(*pin_while_writing(MARCH, month.newcomer))
    try:
        workers = [start_celery_worker(log, **env)[0] for log in logs]
        runs = [tasks.compute_month.delay("2025-03") for _ in range(2)]

        def both_inside_one_after_the_other():
            with connection.cursor() as cursor:
                sessions = compute_sessions(cursor)
            return (len(sessions) == 2 and 'INSERT INTO "reports_monthlyagencystat"' in sessions[0][2]
                    and sessions[1][1] == "advisory")

        assert wait_for(both_inside_one_after_the_other, timeout=60), "".join(tail_log(log) for log in logs)
        assert len({AsyncResult(run.id).info["hostname"] for run in runs}) == 2  # one message each
        assert month_rows() == month.old
        watcher.start()
        assert wait_for(lambda: seen, timeout=10)
        holder.release()
        results = [run.get(timeout=120) for run in runs]
    finally:
        holder.release()
        stop_watching.set()
        if watcher.is_alive():
            watcher.join(timeout=10)
        for process in workers:
            stop_process(process)
        worker_output = ""
        for log in logs:
            log.seek(0)
            worker_output += log.read()
            log.close()

    assert results == [{"month": "2025-03-01", "rows": len(month.expected)}] * 2
    assert seen[0] == month.old and seen[-1] == month.expected
    assert all(rows in (month.old, month.expected) for rows in seen)
    assert month_rows() == rows_of_a_direct_compute()
    assert "Retry in" not in worker_output and "IntegrityError" not in worker_output  # no run failed
