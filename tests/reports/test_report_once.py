"""One monthly report build per month at a time: a second request joins the open one (issue 20 item 8).

30 clicks used to queue 30 builds of 20-70 s each, ahead of the citizens' notifications.
"""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from reports import services
from reports.models import MonthlyReport

MARCH = date(2025, 3, 1)
THREADS = 30


@pytest.fixture
def published_builds(monkeypatch):
    """The report ids handed to the broker (the broker itself is tested in tests/portal/test_queues.py)."""
    builds, lock = [], threading.Lock()

    def publish(task, *args):
        with lock:
            builds.append(args[0])

    monkeypatch.setattr(services, "publish", publish)
    return builds


@pytest.mark.django_db(transaction=True)
def test_thirty_concurrent_requests_for_a_month_make_one_build(monitor, published_builds):
    barrier = threading.Barrier(THREADS)
    reports, errors, lock = [], [], threading.Lock()

    def request():
        try:
            barrier.wait()
            report, _created = services.monthly_report_request(month=MARCH, actor=monitor)
            with lock:
                reports.append(report.pk)
        except Exception as error:  # noqa: BLE001 - collected, asserted below
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = MonthlyReport.objects.get()
    assert reports == [report.pk] * THREADS
    assert published_builds == [report.pk]


def test_a_request_while_the_build_is_open_joins_it_and_a_built_month_can_be_built_again(
        db, monitor, published_builds, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, created = services.monthly_report_request(month=MARCH, actor=monitor)
        joined, joined_created = services.monthly_report_request(month=date(2025, 3, 17), actor=monitor)
        april, _created = services.monthly_report_request(month=date(2025, 4, 1), actor=monitor)
    assert created and not joined_created
    assert joined.pk == first.pk and april.pk != first.pk
    assert published_builds == [first.pk, april.pk]

    MonthlyReport.objects.filter(pk=first.pk).update(ready=True)
    with django_capture_on_commit_callbacks(execute=True):
        again, _created = services.monthly_report_request(month=MARCH, actor=monitor)
    assert again.pk not in (first.pk, april.pk)
    assert published_builds[-1] == again.pk


def test_a_build_given_up_on_does_not_hold_the_month(db, monitor, published_builds,
                                                     django_capture_on_commit_callbacks):
    stuck = MonthlyReport.objects.create(month=MARCH, created_by=monitor)
    MonthlyReport.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        fresh, _created = services.monthly_report_request(month=MARCH, actor=monitor)
    assert fresh.pk != stuck.pk and published_builds == [fresh.pk]
    stuck.refresh_from_db()
    assert stuck.given_up and not stuck.ready
    assert services.monthly_reports_requeue(older_than_seconds=0) == 1  # only the fresh one


def test_the_dashboard_says_a_second_click_joined_the_report_being_built(client, db, monitor, published_builds,
                                                                         django_capture_on_commit_callbacks):
    client.force_login(monitor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/thong-ke/bao-cao/", {"month": "2025-03"})
        response = client.post("/thong-ke/bao-cao/", {"month": "2025-03"}, follow=True)
    assert MonthlyReport.objects.count() == 1 and len(published_builds) == 1
    assert "đang được tạo theo một yêu cầu trước" in response.content.decode()
