"""The account page where a citizen sees the apps they let act for them and revokes one (issue 17,
leftover of item 4): its access and refresh tokens end (401 afterwards, audited in ApiTokenEvent);
another person cannot revoke mine."""

import pytest
from django.urls import reverse
from oauth2_provider.models import AccessToken, RefreshToken
from rest_framework.test import APIClient

from dossiers.models import ApiTokenEvent
from tests import factories
from tests.dossiers.test_api_mobile import _consent, _exchange, _pkce, app  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _allow(client, app):  # noqa: F811
    verifier, challenge = _pkce()
    response = _exchange(app, _consent(client, app, challenge), verifier)
    assert response.status_code == 200, response.content
    return response.json()


def _api(access_token):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return api


def test_the_citizen_sees_the_app_and_revokes_it(client, app):  # noqa: F811
    citizen = factories.UserFactory()
    client.force_login(citizen)
    issued = _allow(client, app)
    assert _api(issued["access_token"]).get("/api/v1/me/").status_code == 200
    page = client.get(reverse("connected_apps"))
    html = page.content.decode()
    assert page.status_code == 200 and app.name in html and "Thu hồi" in html
    assert reverse("connected_app_revoke", args=[app.pk]) in html

    response = client.post(reverse("connected_app_revoke", args=[app.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("connected_apps")
    assert _api(issued["access_token"]).get("/api/v1/me/").status_code == 401
    refreshed = APIClient().post("/api/oauth/token/", {"grant_type": "refresh_token", "client_id": app.client_id,
                                                       "refresh_token": issued["refresh_token"]})
    assert refreshed.status_code in (400, 401)
    assert not AccessToken.objects.filter(user=citizen).exists()
    assert not RefreshToken.objects.filter(user=citizen, revoked__isnull=True).exists()
    event = ApiTokenEvent.objects.get(kind=ApiTokenEvent.Kind.REVOKED)
    assert (event.user, event.application, event.client_id) == (citizen, app, app.client_id)
    assert app.name not in client.get(reverse("connected_apps")).content.decode()


def test_another_citizen_cannot_revoke_mine(client, app):  # noqa: F811
    mine = factories.UserFactory()
    client.force_login(mine)
    issued = _allow(client, app)
    other = factories.UserFactory()
    client.force_login(other)
    assert app.name not in client.get(reverse("connected_apps")).content.decode()
    assert client.post(reverse("connected_app_revoke", args=[app.pk])).status_code == 404
    assert _api(issued["access_token"]).get("/api/v1/me/").status_code == 200
    assert not ApiTokenEvent.objects.filter(kind=ApiTokenEvent.Kind.REVOKED).exists()


def test_the_page_needs_a_sign_in_and_revoking_needs_post(client, app):  # noqa: F811
    assert client.get(reverse("connected_apps")).status_code == 302
    client.force_login(factories.UserFactory())
    assert client.get(reverse("connected_app_revoke", args=[app.pk])).status_code == 405
