"""portal.ratelimit and the fail-open cache: limits count on Redis; a Redis outage lets everyone through
and breaks no page that uses the cache."""

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from dossiers.models import User
from portal import ratelimit

REDIS_DOWN = "redis://127.0.0.1:1/0"


def _down(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": REDIS_DOWN}}


def test_hit_allows_up_to_the_limit_per_key():
    assert [ratelimit.hit("lookup:1.2.3.4", limit=3, window_seconds=60) for _ in range(5)] == [
        True, True, True, False, False]
    assert ratelimit.hit("lookup:5.6.7.8", limit=3, window_seconds=60) is True


def test_a_burst_at_a_window_edge_does_not_double_the_limit():
    """Issue 20 item 15: the window slides. N attempts just before a minute boundary and N just after it
    are 2N within 60 s; a fixed window (one counter per calendar minute) allowed both bursts."""
    key = "lookup:1.2.3.4"
    with time_machine.travel(datetime(2026, 3, 2, 9, 59, 58, tzinfo=UTC), tick=False) as clock:
        assert [ratelimit.hit(key, limit=3, window_seconds=60) for _ in range(3)] == [True, True, True]
        clock.move_to(datetime(2026, 3, 2, 10, 0, 2, tzinfo=UTC))  # the next calendar minute
        assert [ratelimit.hit(key, limit=3, window_seconds=60) for _ in range(3)] == [False, False, False]
        clock.move_to(datetime(2026, 3, 2, 10, 0, 57, tzinfo=UTC))  # the first burst is 59 s old
        assert ratelimit.hit(key, limit=3, window_seconds=60) is False
        # 61 s after the first burst it has left the window; the refused attempts never counted.
        clock.move_to(datetime(2026, 3, 2, 10, 0, 59, tzinfo=UTC))
        assert [ratelimit.hit(key, limit=3, window_seconds=60) for _ in range(4)] == [True, True, True, False]


def test_the_window_slides_attempt_by_attempt():
    key = "register:10.0.0.1"
    start = datetime(2026, 3, 2, 8, 0, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False) as clock:
        assert ratelimit.hit(key, limit=2, window_seconds=3600) is True
        clock.move_to(start + timedelta(minutes=40))
        assert ratelimit.hit(key, limit=2, window_seconds=3600) is True
        clock.move_to(start + timedelta(minutes=59))
        assert ratelimit.hit(key, limit=2, window_seconds=3600) is False
        clock.move_to(start + timedelta(minutes=60, seconds=1))  # the first attempt has left the hour
        assert ratelimit.hit(key, limit=2, window_seconds=3600) is True
        assert ratelimit.hit(key, limit=2, window_seconds=3600) is False  # the 40-minute one still counts


def test_hit_fails_open_and_warns_when_redis_is_down(settings, caplog):
    _down(settings)
    with caplog.at_level(logging.WARNING):
        assert all(ratelimit.hit("lookup:1.2.3.4", limit=1, window_seconds=60) for _ in range(3))
    assert "cache unavailable" in caplog.text and "1.2.3.4" not in caplog.text


def _registration(n):
    return {"full_name": f"Người Thử {n}", "phone": f"0913{n:06d}", "email": "", "id_number": "", "address": "",
            "password1": "Ha-Tinh-2026-an-toan", "password2": "Ha-Tinh-2026-an-toan"}


def _confirm(client, n):
    """Step 2 of registration: the code the sandbox SMS gateway received."""
    import re

    from dossiers.models import SmsMessage

    text = SmsMessage.objects.filter(phone=f"0913{n:06d}").latest("id").text
    assert client.post(reverse("register_confirm"), {"code": re.search(r"\b(\d{6})\b", text).group(1)}
                       ).status_code == 302


@pytest.mark.django_db
def test_registration_is_limited_per_ip_with_a_vietnamese_429_page(client, settings):
    settings.REGISTER_RATE_LIMIT_PER_HOUR = 2
    for n in range(2):
        assert client.post(reverse("register"), _registration(n)).status_code == 302
        _confirm(client, n)
        client.logout()
    response = client.post(reverse("register"), _registration(2))
    assert response.status_code == 429
    assert "Quá nhiều yêu cầu" in response.content.decode()
    assert User.objects.count() == 2
    # Another address is not affected.
    assert client.post(reverse("register"), _registration(3), REMOTE_ADDR="10.0.0.9").status_code == 302


@pytest.mark.django_db
def test_registration_still_works_when_redis_is_down(client, settings):
    _down(settings)
    settings.REGISTER_RATE_LIMIT_PER_HOUR = 1
    for n in range(2):
        assert client.post(reverse("register"), _registration(n)).status_code == 302
        _confirm(client, n)
        client.logout()
    assert User.objects.count() == 2


@pytest.mark.django_db
def test_pages_using_the_cache_still_answer_when_redis_is_down(client, settings, procedure):
    _down(settings)
    assert client.get(reverse("procedure_list")).status_code == 200  # cached filter lists
    response = client.get(reverse("dossier_lookup"), {"code": "000.00.00.H42-260101-0001", "phone": "0912345678"})
    assert response.status_code == 200  # rate-limited public look-up


@pytest.fixture
def hanging_redis():
    from tests.processes import hanging_redis as server

    with server() as url:
        yield url


def _timed(call):
    import time

    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_hanging_redis_costs_one_timeout_then_the_cache_is_skipped_until_the_retry(settings, hanging_redis):
    import time

    from django.core.cache import cache

    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": hanging_redis}}
    settings.CACHE_RETRY_SECONDS = 1.5
    value, first = _timed(lambda: cache.get("filters"))
    assert value is None and first >= 0.9  # the socket timeout (1 s)
    _nothing, skipped = _timed(lambda: (cache.set("filters", [1]), cache.get("filters"), cache.add("n", 1)))
    assert skipped < 0.1  # no connection tried
    assert ratelimit.hit("lookup:1.2.3.4", limit=1, window_seconds=60) is True  # still fails open
    time.sleep(1.6)
    _value, retried = _timed(lambda: cache.get("filters"))
    assert retried >= 0.9  # tried Redis again after CACHE_RETRY_SECONDS
