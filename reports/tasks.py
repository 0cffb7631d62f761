"""Thin Celery wrappers around reports.services (ids and plain values in, idempotent services)."""

from datetime import timedelta

from celery import shared_task
from django.db import DatabaseError, OperationalError
from django.utils import timezone

from reports import services

RETRY = {
    "autoretry_for": (OperationalError, DatabaseError),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(name="reports.compute_month", **RETRY)
def compute_month(month):
    """Compute one month ('YYYY-MM' or 'YYYY-MM-DD'); replaces that month's rows."""
    return {"month": str(services.month_start(month)), "rows": services.month_compute(month=month)}


@shared_task(name="reports.compute_range", bind=True, **RETRY)
def compute_range(self, start, end):
    """Compute every month from `start` to `end`, reporting progress as task state PROGRESS."""
    months = services.months_between(start, end)
    for done, first in enumerate(months):
        self.update_state(state="PROGRESS", meta={"done": done, "total": len(months), "month": str(first)})
        services.month_compute(month=first)
    return {"done": len(months), "total": len(months)}


@shared_task(name="reports.compute_current_month", **RETRY)
def compute_current_month():
    """Beat, nightly: the month in progress."""
    return compute_month(str(timezone.localdate().replace(day=1)))


@shared_task(name="reports.close_previous_month", **RETRY)
def close_previous_month():
    """Beat, on the 1st: the month that just ended, with its last day complete."""
    previous = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    return compute_month(str(previous))


@shared_task(name="reports.build_monthly_report", **RETRY)
def build_monthly_report(report_id):
    """Render the monthly report (HTML print view + XLSX appendix); idempotent per report row."""
    services.monthly_report_build(report_id=report_id)
    return {"report_id": report_id}


@shared_task(name="reports.requeue_monthly_reports", acks_late=True)
def requeue_monthly_reports():
    """Beat, every 5 minutes: reports requested while the broker was down (or whose task was lost)."""
    return services.monthly_reports_requeue()
