"""Production configuration: refuses unsafe values, passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3Y-" + "x9Qz!7vB@2mN#5rT$8wL^1pC&4hF*6jD(0sG)" * 2


def _run(*args, **env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key():
    result = _run("check", DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="dichvucong.example.vn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_demo_or_a_short_secret_key():
    for key in ("insecure-demo-key-do-not-use-in-production", "short-key"):
        result = _run("check", DEBUG="0", SECRET_KEY=key, ALLOWED_HOSTS="dichvucong.example.vn")
        assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    result = _run("check", "--deploy", "--fail-level", "WARNING", DEBUG="0", SECRET_KEY=STRONG_KEY,
                  ALLOWED_HOSTS="dichvucong.example.vn")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_settings_do_fail_check_deploy():
    """The check above can fail: the demo configuration is not production-ready."""
    result = _run("check", "--deploy", "--fail-level", "WARNING", DEBUG="1")
    assert result.returncode != 0
