"""PostgreSQL restarts under a running web process: clean 503s meanwhile, then service again without
restarting the web process.

The web process is gunicorn with production settings on a private embedded PostgreSQL (the machine's
own server is never touched), loaded with a copy of the test database.
"""

import re

import environ
import pytest
from django.db import connection

from portal import backup, embedded
from tests import factories
from tests.processes import cookies, http, start_web_server, stop_process, tail_log

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("web")]

PORT = 8105
BASE = f"http://127.0.0.1:{PORT}"
HTTPS = {"X-Forwarded-Proto": "https"}


def _login(email, password):
    status, headers, body = http("GET", f"{BASE}/tai-khoan/dang-nhap/", headers=HTTPS)
    assert status == 200, body[:500]
    csrf_cookie = cookies(headers)["csrftoken"][0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    status, headers, body = http(
        "POST", f"{BASE}/tai-khoan/dang-nhap/", {"username": email, "password": password,
                                                "csrfmiddlewaretoken": token},
        headers={**HTTPS, "Cookie": f"csrftoken={csrf_cookie}", "Referer": f"https://127.0.0.1:{PORT}/",
                 "Origin": f"https://127.0.0.1:{PORT}"},
    )
    assert status == 302, body[:2000]
    return {**HTTPS, "Cookie": f"sessionid={cookies(headers)['sessionid'][0]}"}


def test_requests_get_a_clean_503_while_postgresql_restarts_then_succeed(
    transactional_db, tmp_path, monkeypatch, production_env
):
    citizen = factories.UserFactory(full_name="Võ Thị Hồng")
    # A private PostgreSQL with a copy of the test database (schema and the citizen).
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("MOTCUA_EMBEDDED", "1")
    database_url = embedded.resolve(tmp_path, start=True)["DATABASE_URL"]
    private = environ.Env.db_url_config(database_url)
    backup.dump_database(connection.settings_dict, tmp_path / "copy.dump")
    backup.restore_database(private, tmp_path / "copy.dump")

    with open(tmp_path / "web.log", "w+") as log:
        web = start_web_server(PORT, log, **{**production_env, "DATABASE_URL": database_url,
                                             "SECURE_SSL_REDIRECT": "0", "DB_CONN_MAX_AGE": "60"})
        try:
            signed_in = _login(citizen.email, factories.PASSWORD)
            status, _, body = http("GET", f"{BASE}/", headers=signed_in)
            assert status == 200 and "Võ Thị Hồng" in body

            embedded.stop(tmp_path)

            # The view's own query fails: the middleware answers.
            status, headers, body = http("GET", f"{BASE}/", headers=signed_in)
            assert status == 503, body[:2000]
            assert "Hệ thống tạm thời gián đoạn" in body and "Traceback" not in body
            assert headers["Retry-After"] == "10"
            # The error page itself needs the user (session) → raised outside any view: handler500.
            status, _, body = http("GET", f"{BASE}/khong-co-trang-nay/", headers=signed_in)
            assert status == 503 and "Hệ thống tạm thời gián đoạn" in body, body[:2000]
            # The API answers JSON.
            status, headers, body = http("GET", f"{BASE}/api/schema/", headers=signed_in)
            assert status == 503 and headers["Content-Type"] == "application/json", body[:2000]
            assert "Service temporarily unavailable" in body
            status, _, body = http("GET", f"{BASE}/healthz")
            assert status == 503 and '"database": {"ok": false' in body

            embedded.resolve(tmp_path, start=True)

            status, _, body = http("GET", f"{BASE}/", headers=signed_in)
            assert status == 200 and "Võ Thị Hồng" in body, body[:2000]
            status, _, body = http("GET", f"{BASE}/healthz")
            assert '"database": {"ok": true' in body
            assert web.poll() is None, "the web process was not restarted"
        except BaseException:
            print(tail_log(log))
            raise
        finally:
            stop_process(web)
            embedded.stop(tmp_path)
