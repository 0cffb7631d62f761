"""Separate Celery queues, so report builds never hold up citizens' notifications (issue 20 item 8)."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings

from portal.celery import app, publish
from tests.processes import ROOT, purge_broker

ROUTES = {
    "dossiers.tasks.send_outbox_message": "notifications",
    "dossiers.tasks.relay_outbox": "notifications",
    "dossiers.tasks.watch_overdue": "notifications",
    "dossiers.tasks.remind_appointments": "notifications",
    "dossiers.tasks.mark_missed_appointments": "notifications",
    "dossiers.tasks.purge_staged_uploads": "notifications",
    "dossiers.tasks.issue_payment_receipt": "notifications",
    "dossiers.tasks.sync_dossier": "notifications",
    "dossiers.tasks.relay_national_sync": "notifications",
    "dossiers.tasks.reconcile_national_sync": "notifications",
    "dossiers.tasks.expire_payments": "notifications",
    "reports.compute_month": "statistics",
    "reports.compute_range": "statistics",
    "reports.compute_current_month": "statistics",
    "reports.close_previous_month": "statistics",
    "reports.build_monthly_report": "reports",
    "reports.requeue_monthly_reports": "reports",
    "celery.accumulate": "celery",
}


@pytest.mark.parametrize(("task", "queue"), ROUTES.items())
def test_each_task_is_routed_to_its_queue(task, queue):
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_every_task_of_the_site_has_a_route():
    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert ours == set(ROUTES) - {"celery.accumulate"}


@pytest.mark.xdist_group("celery")
def test_a_published_report_build_waits_on_the_reports_queue_not_beside_notifications(transactional_db):
    from reports.tasks import build_monthly_report

    purge_broker()
    try:
        with app.connection_for_write() as broker:
            client = broker.default_channel.client
            before = {queue: client.llen(queue) for queue in ("reports", "notifications", "celery")}
            publish(build_monthly_report, 1)
            after = {queue: client.llen(queue) for queue in ("reports", "notifications", "celery")}
        assert after == {**before, "reports": before["reports"] + 1}
    finally:
        purge_broker()


def _queues_of(command):
    return command[command.index("-Q") + 1].split(",") if "-Q" in command else None


def test_the_demo_and_the_compose_file_run_a_worker_per_queue():
    import runpy

    queues = [queue.name for queue in settings.CELERY_TASK_QUEUES]
    demo = runpy.run_path(str(ROOT / "scripts" / "run_demo.py"))["PROCESSES"]
    assert sorted(_queues_of(command) for command in demo.values() if "worker" in command) == [
        [queue] for queue in sorted(queues)]
    compose = yaml.safe_load(Path(ROOT / "docker-compose.yml").read_text())["services"]
    assert sorted(_queues_of(service["command"]) for service in compose.values()
                  if "worker" in service.get("command", [])) == [[queue] for queue in sorted(queues)]
