"""A mobile app as OAuth2 client (issue 17 item 4): a public client, authorization code with PKCE S256
(RFC 6749 §4.1, RFC 7636, RFC 8252): the citizen signs in and consents at /api/oauth/authorize/, the app's
token acts as that citizen within the `citizen` scope, refreshes, and is refused without PKCE, with the
wrong verifier, for an OpenID Connect client of the sandbox, and on another audience's routes."""

import base64
import hashlib
import io
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from dossiers.api_clients import mobile_app_create
from tests import factories

pytestmark = pytest.mark.django_db
REDIRECT = "https://app.motcua.example.vn/oauth/callback"


def _pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _authorize_url(app, challenge, **extra):
    query = {"response_type": "code", "client_id": app.client_id, "redirect_uri": REDIRECT, "scope": "citizen",
             "state": "trang-thai-1", "code_challenge": challenge, "code_challenge_method": "S256", **extra}
    return "/api/oauth/authorize/?" + "&".join(f"{k}={v}" for k, v in query.items())


def _consent(client, app, challenge):
    page = client.get(_authorize_url(app, challenge))
    assert page.status_code == 200, page.content[:500]
    html = page.content.decode()
    assert "Ứng dụng Dịch vụ công Hà Tĩnh" in html and "API công dân" in html
    form = {name: value[0] for name, value in parse_qs(urlsplit(_authorize_url(app, challenge)).query).items()}
    back = client.post("/api/oauth/authorize/", {**form, "allow": "Authorize"})
    assert back.status_code == 302 and back["Location"].startswith(REDIRECT), back.content[:500]
    query = parse_qs(urlsplit(back["Location"]).query)
    assert query["state"] == ["trang-thai-1"]
    return query["code"][0]


def _exchange(app, code, verifier):
    return APIClient().post("/api/oauth/token/", {"grant_type": "authorization_code", "code": code,
                                                  "redirect_uri": REDIRECT, "client_id": app.client_id,
                                                  "code_verifier": verifier})


@pytest.fixture
def app():
    return mobile_app_create(name="Ứng dụng Dịch vụ công Hà Tĩnh", redirect_uris=[REDIRECT])


def test_a_citizen_lets_the_app_act_for_them_with_pkce(client, app):
    citizen = factories.UserFactory()
    client.force_login(citizen)
    verifier, challenge = _pkce()
    code = _consent(client, app, challenge)
    response = _exchange(app, code, verifier)
    assert response.status_code == 200, response.content
    issued = response.json()
    assert issued["scope"] == "citizen" and issued["refresh_token"] and issued["expires_in"] == 3600
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued['access_token']}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["full_name"] == citizen.full_name and me.json()["scopes"] == ["citizen"]
    assert api.get("/api/v1/dossiers/").status_code == 200
    assert api.get("/api/v1/desk/queue/").status_code == 403  # another audience
    assert AccessToken.objects.get().user == citizen
    # The code is single use; a refresh gives a new token and retires the old one.
    assert _exchange(app, code, verifier).status_code == 400
    refreshed = APIClient().post("/api/oauth/token/", {"grant_type": "refresh_token", "client_id": app.client_id,
                                                       "refresh_token": issued["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.content
    assert api.get("/api/v1/me/").status_code == 401
    from dossiers.models import ApiTokenEvent

    assert list(ApiTokenEvent.objects.order_by("id").values_list("kind", "grant_type", "user")) == [
        ("issued", "authorization_code", citizen.pk), ("issued", "refresh_token", citizen.pk)]


def test_without_pkce_or_with_the_wrong_verifier_there_is_no_token(client, app):
    client.force_login(factories.UserFactory())
    no_pkce = client.get(f"/api/oauth/authorize/?response_type=code&client_id={app.client_id}"
                         f"&redirect_uri={REDIRECT}&scope=citizen&state=s")
    assert no_pkce.status_code == 302 and "error=invalid_request" in no_pkce["Location"]
    _verifier, challenge = _pkce()
    code = _consent(client, app, challenge)
    wrong = _exchange(app, code, _pkce()[0])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_first(client, app):
    response = client.get(_authorize_url(app, _pkce()[1]))
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/dang-nhap/")
    assert "next=" in response["Location"]


def test_refusing_sends_the_app_an_access_denied(client, app):
    client.force_login(factories.UserFactory())
    _verifier, challenge = _pkce()
    form = {name: value[0] for name, value in parse_qs(urlsplit(_authorize_url(app, challenge)).query).items()}
    back = client.post("/api/oauth/authorize/", form)
    assert back.status_code == 302 and "error=access_denied" in back["Location"]


def test_an_openid_connect_client_of_the_sandbox_cannot_get_an_api_token(client):
    oidc = Application.objects.create(name="RP", client_type=Application.CLIENT_CONFIDENTIAL,
                                      authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
                                      redirect_uris=REDIRECT, algorithm=Application.RS256_ALGORITHM)
    client.force_login(factories.UserFactory())
    response = client.get(_authorize_url(oidc, _pkce()[1]))
    assert response.status_code == 400 and "không được cấp quyền truy cập API" in response.content.decode()


def test_the_mobile_app_cannot_sign_in_at_the_sandbox_provider(client, app, settings):
    settings.DEBUG = True
    response = client.get(_authorize_url(app, _pkce()[1]).replace("/api/oauth/", "/vneid-sandbox/"))
    assert response.status_code == 400 and "OpenID Connect" in response.content.decode()


def test_the_command_registers_a_mobile_app():
    out = io.StringIO()
    call_command("api_client", "--name", "Ứng dụng di động", "--mobile", "--redirect-uri", REDIRECT,
                 "--scope", "citizen", stdout=out)
    app = Application.objects.get(name="Ứng dụng di động")
    assert app.client_type == Application.CLIENT_PUBLIC and app.authorization_grant_type == "authorization-code"
    assert f"client_id={app.client_id}" in out.getvalue()


def test_the_schema_describes_the_authorization_code_flow():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    flows = schema["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["authorizationCode"]["authorizationUrl"] == "/api/oauth/authorize/"
    assert flows["authorizationCode"]["tokenUrl"] == "/api/oauth/token/"
