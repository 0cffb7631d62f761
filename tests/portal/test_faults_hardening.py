"""Web hardening as deployed: gunicorn with production settings behind a TLS proxy (X-Forwarded-Proto)."""

import re

import pytest
from django.db import connection

from tests import factories
from tests.processes import cookies, database_url, http, start_web_server, stop_process, tail_log

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("web")]

PORT = 8106
BASE = f"http://127.0.0.1:{PORT}"
HTTPS = {"X-Forwarded-Proto": "https"}


def test_production_responses_carry_the_security_headers_and_secure_cookies(
    transactional_db, tmp_path, production_env
):
    citizen = factories.UserFactory()
    with open(tmp_path / "web.log", "w+") as log:
        web = start_web_server(PORT, log, **{**production_env, "DATABASE_URL": database_url(connection.settings_dict)})
        try:
            # Plain HTTP is redirected to HTTPS.
            status, headers, _ = http("GET", f"{BASE}/")
            assert status == 301 and headers["Location"].startswith("https://")

            status, headers, body = http("GET", f"{BASE}/tai-khoan/dang-nhap/", headers=HTTPS)
            assert status == 200
            csp = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
            assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'"
            assert "unsafe-inline" not in headers["Content-Security-Policy"]
            assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'self'"
            assert "<script>" not in body and " style=" not in body  # nothing inline for CSP to block
            assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["X-Frame-Options"] == "DENY"
            assert headers["Referrer-Policy"] == "same-origin"
            assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]

            csrf_value, csrf_attributes = cookies(headers)["csrftoken"]
            assert "secure" in csrf_attributes
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
            status, headers, _ = http(
                "POST", f"{BASE}/tai-khoan/dang-nhap/",
                {"username": citizen.email, "password": factories.PASSWORD, "csrfmiddlewaretoken": token},
                headers={**HTTPS, "Cookie": f"csrftoken={csrf_value}", "Referer": f"https://127.0.0.1:{PORT}/"},
            )
            assert status == 302
            _, session_attributes = cookies(headers)["sessionid"]
            assert {"secure", "httponly", "samesite=lax"} <= set(session_attributes)
        except BaseException:
            print(tail_log(log))
            raise
        finally:
            stop_process(web)
