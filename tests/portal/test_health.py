"""/healthz: database, Redis and Celery workers; hosts and error details only for staff (issue 20 item 15)."""

import json

import pytest
from django.test import override_settings

from tests import factories


@pytest.mark.django_db
def test_healthz_reports_database_and_redis(client):
    body = client.get("/healthz").json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert set(body["checks"]) == {"database", "redis", "celery"}


@pytest.mark.django_db
def test_healthz_says_redis_is_down_quickly(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "degraded"
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["celery"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


# --- issue 20 item 15: the public answer names no host -------------------------------------------
WORKERS = [{"celery@worker-7.internal.hatinh.gov.vn": {"ok": "pong"}}, {"demo-worker@db-host-2": {"ok": "pong"}}]


@pytest.fixture
def two_workers(monkeypatch):
    from portal.celery import app

    monkeypatch.setattr(app.control, "ping", lambda timeout=1.0: WORKERS)


@pytest.mark.django_db
def test_healthz_counts_workers_without_naming_them_publicly(client, two_workers):
    for user in (None, factories.UserFactory()):  # anonymous, and a signed-in citizen
        if user:
            client.force_login(user)
        body = client.get("/healthz").json()
        assert body["checks"]["celery"]["ok"] is True
        assert body["checks"]["celery"]["workers"] == 2
        text = json.dumps(body)
        assert "worker-7" not in text and "db-host-2" not in text and "celery@" not in text


@pytest.mark.django_db
def test_healthz_names_workers_to_staff(client, two_workers):
    client.force_login(factories.UserFactory(is_staff=True))
    celery = client.get("/healthz").json()["checks"]["celery"]
    assert celery["workers"] == 2
    assert celery["worker_names"] == ["celery@worker-7.internal.hatinh.gov.vn", "demo-worker@db-host-2"]


@pytest.mark.django_db
def test_healthz_keeps_error_details_from_the_public(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        public = client.get("/healthz").json()["checks"]["redis"]
        client.force_login(factories.UserFactory(is_staff=True))
        staff = client.get("/healthz").json()["checks"]["redis"]
    assert public == {"ok": False}
    assert staff["ok"] is False and "127.0.0.1:1" in staff["error"]
