"""OAuth2 machine clients (issue 17 item 4): client credentials, scopes per audience, expiry and
revocation, 401 with WWW-Authenticate, codes instead of ids, and the officer look-up routes."""

import base64
import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.hashers import identify_hasher
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import URLResolver, get_resolver, reverse
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from dossiers.api_clients import api_client_create
from dossiers.models import Document, DocumentSource, DossierEvent, Role, Status
from portal.api_auth import AUDIENCES
from tests import factories
from tests.dossiers.desk_helpers import (
    MONDAY,
    _fast_passwords,  # noqa: F401 (autouse fixture)
    at_monday,  # noqa: F401 (fixture)
    pdf_file,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_monday")]
QR = "042099012345|183456789|Nguyễn Văn An|01021999|Nam|Số 1 Trần Phú, Thạch Hà, Hà Tĩnh|15082021"


def _client(agency, roles, scopes, name="Hệ thống một cửa điện tử của cơ quan"):
    account = factories.UserFactory(full_name=f"Tài khoản dịch vụ {name}")
    for role in roles:
        factories.officer(agency, role, user=account)
    application, secret = api_client_create(name=name, service_account=account, scopes=scopes)
    return application, secret, account


def _token(application, secret, scope=None, **extra):
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return APIClient().post("/api/oauth/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}", **extra)


def _bearer(application, secret, scope=None):
    response = _token(application, secret, scope)
    assert response.status_code == 200, response.content
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}")
    return api, response.json()


def test_client_credentials_drive_a_dossier_from_counter_intake_to_return_with_codes_only(agency, procedure):
    desk_app, desk_secret, desk_account = _client(agency, [Role.DESK_OFFICER], ["desk"], "Quầy")
    work_app, work_secret, specialist = _client(agency, [Role.SPECIALIST], ["desk"], "Xử lý")
    lead_app, lead_secret, _lead = _client(agency, [Role.LEADER], ["desk"], "Phê duyệt")
    specialist.staff_code = "CB-0042"
    specialist.save(update_fields=["staff_code"])
    desk, issued = _bearer(desk_app, desk_secret)
    assert issued["scope"] == "desk" and issued["expires_in"] == 3600 and "refresh_token" not in issued

    specialists = desk.get(f"/api/v1/agencies/{agency.code}/specialists/")
    assert specialists.status_code == 200
    assert {"id": specialist.pk, "staff_code": "CB-0042", "full_name": specialist.full_name} in specialists.json()
    paper = [d.pk for d in procedure.documents.all()]
    intake = desk.post("/api/v1/desk/intake/", {
        "procedure": procedure.code, "agency": agency.code, "channel": "counter", "id_card_qr": QR,
        "applicant_phone": "0912345678", "form_data": {"full_name": "Nguyễn Văn An"}, "paper_documents": paper,
    }, format="json")
    assert intake.status_code == 201, intake.content
    dossier = intake.json()
    assert dossier["status"] == Status.RECEIVED and dossier["clock_paused"] is False
    code = dossier["code"]

    def act(api, action, **data):
        version = api.get(f"/api/v1/dossiers/{code}/").json()["version"]
        response = api.post(f"/api/v1/dossiers/{code}/{action}/", {"version": version, **data}, format="multipart")
        assert response.status_code == 200, (action, response.content)
        return response.json()

    assert act(desk, "assign", assignee="CB-0042")["assignee_name"] == specialist.full_name
    worker, _ = _bearer(work_app, work_secret)
    assert act(worker, "submit_for_approval")["status"] == Status.AWAITING_APPROVAL
    leader, _ = _bearer(lead_app, lead_secret)
    assert act(leader, "approve", reason="Đồng ý")["status"] == Status.PROCESSED
    assert act(worker, "upload_result", file=pdf_file("ket-qua.pdf"), signed="on")["status"] == Status.PROCESSED
    assert act(desk, "return_result")["status"] == Status.RETURNED

    events = DossierEvent.objects.filter(dossier__code=code)
    assert events.get(action="receive").actor == desk_account
    assert Document.objects.filter(dossier__code=code, source=DocumentSource.RESULT).exists()
    received = events.get(action="receive").dossier
    assert (received.applicant_name, received.applicant_id_number) == ("Nguyễn Văn An", "042099012345")
    assert received.applicant_address.startswith("Số 1 Trần Phú")


def test_tokens_are_stored_hashed_and_secrets_too(agency):
    application, secret, _account = _client(agency, [Role.DESK_OFFICER], ["desk"])
    _api, issued = _bearer(application, secret)
    stored = AccessToken.objects.get(application=application)
    assert stored.token == "" and stored.token_checksum != issued["access_token"]
    application.refresh_from_db()
    assert application.client_secret != secret and identify_hasher(application.client_secret)


def test_an_expired_token_gets_401(agency):
    application, secret, _account = _client(agency, [Role.DESK_OFFICER], ["desk"])
    api, _issued = _bearer(application, secret)
    assert api.get("/api/v1/me/").status_code == 200
    with time_machine.travel(MONDAY + dt.timedelta(seconds=3601), tick=False):
        response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_gets_401(agency):
    application, secret, _account = _client(agency, [Role.DESK_OFFICER], ["desk"])
    api, issued = _bearer(application, secret)
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    revoked = APIClient().post("/api/oauth/revoke/", {"token": issued["access_token"]},
                               HTTP_AUTHORIZATION=f"Basic {basic}")
    assert revoked.status_code == 200
    assert api.get("/api/v1/desk/queue/").status_code == 401


def test_issue_and_revocation_are_in_the_token_trail(agency):
    """Every token issued and every revocation is recorded (who, which client, scopes, until when, from
    where), never the token itself, and the row outlives the deleted token."""
    from dossiers.models import ApiTokenEvent

    application, secret, account = _client(agency, [Role.DESK_OFFICER], ["desk"])
    _api, issued = _bearer(application, secret)
    event = ApiTokenEvent.objects.get()
    assert (event.kind, event.application, event.user, event.grant_type, event.scope) == (
        "issued", application, account, "client_credentials", "desk")
    assert event.expires and event.ip_address == "127.0.0.1" and event.token_id
    basic = base64.b64encode(f"{application.client_id}:{secret}".encode()).decode()
    for _attempt in range(2):  # the second names a token that is gone: answered 200, nothing recorded
        assert APIClient().post("/api/oauth/revoke/", {"token": issued["access_token"]},
                                HTTP_AUTHORIZATION=f"Basic {basic}").status_code == 200
    revoked = ApiTokenEvent.objects.get(kind="revoked")
    assert (revoked.token_id, revoked.user, revoked.client_id) == (event.token_id, account, application.client_id)
    assert not AccessToken.objects.exists() and ApiTokenEvent.objects.count() == 2
    with pytest.raises(ValueError):
        revoked.save()


def test_a_token_without_the_audience_scope_gets_403(agency):
    application, secret, _account = _client(agency, [Role.LEADER], ["reports"])
    api, issued = _bearer(application, secret)
    assert issued["scope"] == "reports"
    assert api.get("/api/v1/desk/queue/").status_code == 403
    assert api.post("/api/v1/desk/intake/", {}, format="json").status_code == 403
    assert api.get("/api/v1/me/").status_code == 200


def test_a_client_cannot_ask_for_a_scope_it_was_not_given(agency):
    application, secret, _account = _client(agency, [Role.DESK_OFFICER], ["desk"])
    response = _token(application, secret, scope="reports")
    assert response.status_code == 400 and response.json()["error"] == "invalid_scope"


def test_a_wrong_secret_gets_no_token(agency):
    application, _secret, _account = _client(agency, [Role.DESK_OFFICER], ["desk"])
    assert _token(application, "sai-mat-khau").status_code == 401


@override_settings(OAUTH_TOKEN_RATE_LIMIT=3)
def test_the_token_endpoint_is_rate_limited(agency):
    application, _secret, _account = _client(agency, [Role.DESK_OFFICER], ["desk"])
    statuses = [_token(application, "sai").status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


@pytest.mark.parametrize("url", ["/api/v1/desk/queue/", "/api/v1/me/", "/api/v1/dossiers/"])
def test_anonymous_api_calls_get_401_with_a_bearer_challenge(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_whoami_lists_an_officers_agencies_and_roles(agency, other_agency):
    officer = factories.officer(agency, Role.DESK_OFFICER)
    factories.officer(other_agency, Role.LEADER, user=officer)
    api = APIClient()
    api.force_authenticate(officer)
    me = api.get("/api/v1/me/").json()
    assert {(m["agency_code"], m["role"]) for m in me["memberships"]} == {
        (agency.code, Role.DESK_OFFICER), (other_agency.code, Role.LEADER)}
    assert me["scopes"] is None  # a session, not a bearer token


def test_agency_search_by_name(agency, other_agency):
    other_agency.name = "Phòng Tư pháp huyện Thạch Hà"
    other_agency.save(update_fields=["name"])
    found = APIClient().get("/api/v1/agencies/", {"q": "tư pháp"}).json()
    codes = [row["code"] for row in found["results"]]
    assert codes == [other_agency.code]


def test_specialists_of_another_agency_are_not_listed(agency, other_agency):
    factories.officer(other_agency, Role.SPECIALIST)
    api = APIClient()
    api.force_authenticate(factories.officer(agency, Role.DESK_OFFICER))
    assert api.get(f"/api/v1/agencies/{other_agency.code}/specialists/").status_code == 404


def test_transfer_names_the_agency_by_its_code(agency, other_agency, procedure):
    dossier = submitted(procedure)
    desk = factories.officer(agency, Role.DESK_OFFICER)
    api = APIClient()
    api.force_authenticate(desk)
    version = api.get(f"/api/v1/dossiers/{dossier.code}/").json()["version"]
    assert api.post(f"/api/v1/dossiers/{dossier.code}/receive/", {"version": version}).status_code == 200
    version += 1
    response = api.post(f"/api/v1/dossiers/{dossier.code}/transfer/",
                        {"version": version, "to_agency": other_agency.code, "reason": "Liên thông"})
    assert response.status_code == 200, response.content
    assert response.json()["handling_agency_code"] == other_agency.code


def test_a_dossier_waiting_for_a_supplement_shows_its_clock_paused_since_when(agency, procedure):
    dossier = submitted(procedure)
    desk = factories.officer(agency, Role.DESK_OFFICER)
    api = APIClient()
    api.force_authenticate(desk)
    api.post(f"/api/v1/dossiers/{dossier.code}/receive/", {"version": dossier.version})
    version = api.get(f"/api/v1/dossiers/{dossier.code}/").json()["version"]
    response = api.post(f"/api/v1/dossiers/{dossier.code}/request_supplement/",
                        {"version": version, "missing": "Bản sao giấy khai sinh", "reason": "Thiếu"})
    assert response.status_code == 200, response.content
    shown = api.get(f"/api/v1/dossiers/{dossier.code}/").json()
    assert shown["clock_paused"] is True and shown["clock_paused_at"] is not None


def test_a_bad_id_card_qr_is_refused_at_the_api_counter(agency, procedure):
    api = APIClient()
    api.force_authenticate(factories.officer(agency, Role.DESK_OFFICER))
    response = api.post("/api/v1/desk/intake/", {"procedure": procedure.code, "agency": agency.code,
                                                  "channel": "counter", "id_card_qr": QR.rsplit("|", 2)[0]},
                        format="json")
    assert response.status_code == 400
    assert "id_card_qr" in response.json()["errors"]


def test_the_schema_describes_the_oauth2_security_scheme():
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    scheme = schema["components"]["securitySchemes"]["oauth2"]
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "/api/oauth/token/" and set(flow["scopes"]) == {"citizen", "desk", "reports"}


def test_the_api_client_command_registers_a_client_that_obtains_a_token(agency):
    out = io.StringIO()
    call_command("api_client", "--name", "Hệ thống QLVB", "--account", "qlvb@so.example.vn",
                 "--role", f"{agency.code}=desk_officer", "--scope", "desk", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines() if "=" in line)
    application = Application.objects.get(client_id=lines["client_id"])
    assert application.user.roles_in(agency) == {Role.DESK_OFFICER}
    assert not application.user.has_usable_password()
    assert _token(application, lines["client_secret"]).json()["scope"] == "desk"
    with pytest.raises(CommandError):
        call_command("api_client", "--name", "x", "--account", "x@example.vn", "--role", "KHONG-CO=leader",
                     "--scope", "desk", stdout=io.StringIO())


def _api_routes():
    """Every DRF route under /api/v1/: (name, view class, URL with placeholder arguments)."""
    placeholders = {"ref": "x", "code": "x", "document_id": 1, "task_id": "x", "agency": "x", "action": "receive",
                    "verification_id": "x"}
    routes = []
    for pattern in get_resolver().url_patterns:
        if not isinstance(pattern, URLResolver) or str(pattern.pattern) != "api/v1/":
            continue
        for entry in pattern.url_patterns:
            view = getattr(entry.callback, "view_class", None)
            kwargs = {name: placeholders[name] for name in entry.pattern.regex.groupindex}
            routes.append((entry.name, view, reverse(entry.name, kwargs=kwargs)))
    return routes


def _public(view):
    """A public endpoint (the verification of a signed result, issue 18): it reads no credentials at all."""
    return view is not None and view.authentication_classes == []


def test_every_api_view_declares_its_audiences():
    undeclared = [name for name, view, _url in _api_routes() if not _public(view) and (
                  not set(getattr(view, "api_audiences", ())) or not set(view.api_audiences) <= set(AUDIENCES))]
    assert undeclared == []


@pytest.mark.parametrize("scope", AUDIENCES)
def test_every_api_route_refuses_a_token_of_another_audience_and_admits_its_own(agency, scope):
    application, secret, _account = _client(agency, [Role.DESK_OFFICER, Role.LEADER], [scope])
    api, _issued = _bearer(application, secret)
    for name, view, url in _api_routes():
        for method in [m for m in ("get", "post", "patch") if hasattr(view, m)]:
            status = getattr(api, method)(url, {}, format="json").status_code
            if _public(view) or scope in view.api_audiences:
                assert status not in (401, 403), (name, method, scope, status)
            else:
                assert status == 403, (name, method, scope, status)
