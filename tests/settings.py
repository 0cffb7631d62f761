"""The suite's settings: portal.settings on a Redis database and key prefix of the tests' own.

`make test` beside `make demo` shared the demo's Redis database: the demo's worker took the tests'
tasks and the tests' purge emptied the demo's queue (issue 20 item 16). Whatever REDIS_URL (or
CELERY_BROKER_URL) says, the suite uses database 15 of the same server (14 if the site is on 15),
with every broker and cache key prefixed per test process (`test<site db>-<xdist worker>:`).

The environment is rewritten, not only these settings, so every process the suite starts (Celery
workers, gunicorn, manage.py, also those started with DJANGO_SETTINGS_MODULE=portal.settings)
inherits it; the site's own URL stays in MOTCUA_SITE_REDIS_URL.

The configuration the suite needs is stated here too, not left to defaults (issue 20 items 3 and 7):
- DEBUG=1 while the settings load (DEBUG is off unless set): plain http, unhashed static files, the demo
  secret key. (pytest-django still runs every test with `settings.DEBUG = False`, so the code under test
  takes production's paths.)
- ALLOW_SANDBOX=1 and a real sandbox signing secret: the suite pays through the sandbox bank and sends
  through the SMS sandbox, which production refuses without the opt-in.
A test that wants production passes its own values to the process it starts (tests/portal/conftest.py).
"""

import os
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from portal.embedded import EXTERNAL_REDIS_URL

SITE_REDIS_URL_ENV = "MOTCUA_SITE_REDIS_URL"
_TEST_REDIS_URL_ENV = "MOTCUA_TEST_REDIS_URL"


def redis_database(url):
    """The database number of a `redis://host:port/N` or `unix:///path?db=N` URL."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "db" in query or parts.scheme == "unix":
        return int(query.get("db", ["0"])[0])
    return int(parts.path.strip("/") or 0)


def redis_url_for_tests(url):
    """The same server as `url`, on the tests' database."""
    database = 14 if redis_database(url) == 15 else 15
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "db" in query or parts.scheme == "unix":
        query["db"] = [str(database)]
        return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
    return urlunsplit(parts._replace(path=f"/{database}"))


def _isolate_redis(environ):
    # A child process inherits the rewritten URL: rewrite only a URL not already the tests'.
    if environ.get("REDIS_URL") is None or environ["REDIS_URL"] != environ.get(_TEST_REDIS_URL_ENV):
        site = environ.get("REDIS_URL") or EXTERNAL_REDIS_URL
        environ.setdefault(SITE_REDIS_URL_ENV, site)
        environ["REDIS_URL"] = environ[_TEST_REDIS_URL_ENV] = redis_url_for_tests(site)
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):  # derived from REDIS_URL
        environ.pop(name, None)
    process = environ.get("PYTEST_XDIST_WORKER", "main")
    environ["REDIS_KEY_PREFIX"] = f"test{redis_database(environ[SITE_REDIS_URL_ENV])}-{process}:"


_isolate_redis(os.environ)
os.environ.update(DEBUG="1", ALLOW_SANDBOX="1", PAYMENT_SANDBOX_SECRET="test-run-sandbox-secret-7Qm2xV9kLp4Rz8Wd")
# Citizens sign in with a password in most tests, which predate the national identity login (issue 17);
# tests/dossiers/test_identity.py turns the identity rules on where it checks them.
os.environ.setdefault("PASSWORD_LOGIN_ROLES", "officer,citizen")
os.environ.setdefault("IDENTITY_ASSURANCE_ENFORCED", "0")

from portal.settings import *  # noqa: E402,F403 - the site's settings, read from the rewritten environment

# A second database alias for the read-replica router's test (tests/portal/test_replica.py): its own
# test database, not a mirror, so a read that reaches it is told apart from one on the primary. Only the
# tests that ask for it (`databases=["default", "replica"]`) create it, and the router stays off unless
# a test turns REPLICA_READS_ENABLED on.
DATABASES["replica"] = {**DATABASES["default"],  # noqa: F405
                        "TEST": {"NAME": f"test_{DATABASES['default']['NAME']}_replica"}}  # noqa: F405
REPLICA_READS_ENABLED = False
