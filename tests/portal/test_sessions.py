"""Sessions end after 8 hours by default, not Django's 14 days (issue 20 item 15)."""

import pytest
from django.urls import reverse

from tests import factories
from tests.portal.test_settings import STRONG_KEY, _run


def test_the_session_lifetime_defaults_to_eight_hours():
    result = _run("shell", "-c", "from django.conf import settings; print('AGE', settings.SESSION_COOKIE_AGE)",
                  unset=["SESSION_COOKIE_AGE"], DEBUG="0", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="dichvucong.example.vn")
    assert result.returncode == 0, result.stderr
    assert "AGE 28800" in result.stdout


def test_the_session_lifetime_is_read_from_the_environment():
    result = _run("shell", "-c", "from django.conf import settings; print('AGE', settings.SESSION_COOKIE_AGE)",
                  SESSION_COOKIE_AGE="3600")
    assert "AGE 3600" in result.stdout, result.stderr


@pytest.mark.django_db
def test_signing_in_gives_a_session_cookie_of_eight_hours(client):
    user = factories.UserFactory()
    response = client.post(reverse("login"), {"username": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"] == 28800
