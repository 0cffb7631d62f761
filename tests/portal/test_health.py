import pytest
from django.test import override_settings


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
