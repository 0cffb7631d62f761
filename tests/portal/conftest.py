"""Fixtures for tests that run the site as in production (DEBUG off) in a real gunicorn process."""

import os
import subprocess
import sys

import pytest

from tests.processes import ROOT

STRONG_KEY = "k3Y-" + "x9Qz!7vB@2mN#5rT$8wL^1pC&4hF*6jD(0sG)" * 2


@pytest.fixture(scope="session")
def production_env(tmp_path_factory):
    """Environment of a production web process: DEBUG off, a real key, collected static files
    (the manifest storage needs them; the admin's and API browser's are left out for speed)."""
    static_root = tmp_path_factory.mktemp("static")
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "127.0.0.1",
           "STATIC_ROOT": str(static_root), "DJANGO_SETTINGS_MODULE": "portal.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0", "-i", "admin", "-i", "rest_framework",
         "-i", "drf_spectacular_sidecar"],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=120,
    )
    return env
