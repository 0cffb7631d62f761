"""National identity sign-in (issue 17 item 1): the whole OpenID Connect code flow against the sandbox
provider, served by a live server for the relying party's back-channel calls (token, JWKS, userinfo)
while the browser steps go through the Django test client; the linking rules, the assurance level a
procedure needs, password sign-in per role, RP-initiated logout, and the production refusal."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dossiers import checks, identity_sandbox, services
from dossiers.models import IdentityLink, Status, User
from dossiers.sandbox_people import BY_ID_NUMBER
from portal.oidc_keys import private_key_pem
from tests import factories
from tests.dossiers.citizen_helpers import pdf_upload, required

AN, BINH, CUONG, DUNG = "042090000001", "042185000002", "042078000003", "042199000004"
CALLBACK = "http://testserver/tai-khoan/vneid/callback/"


@pytest.fixture(scope="session")
def sandbox_key(tmp_path_factory):
    return private_key_pem(tmp_path_factory.mktemp("oidc") / "private.pem")


@pytest.fixture
def provider(live_server, settings, sandbox_key):
    """The sandbox provider on the live server, MotCua registered as its client, production's rules on."""
    issuer = f"{live_server.url}/vneid-sandbox"
    settings.OIDC_SANDBOX_ISSUER = issuer
    settings.OIDC_DISCOVERY_URL = f"{issuer}/.well-known/openid-configuration"
    # The test client's site is plain http (bin/demo-env allows it the same way for the demo).
    settings.OAUTH2_PROVIDER = {**settings.OAUTH2_PROVIDER, "OIDC_ISS_ENDPOINT": issuer,
                                "OIDC_RSA_PRIVATE_KEY": sandbox_key, "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"]}
    settings.IDENTITY_ASSURANCE_ENFORCED = True
    settings.PASSWORD_LOGIN_ROLES = ["officer"]
    identity_sandbox.sandbox_application_ensure(redirect_uris=[CALLBACK],
                                                post_logout_redirect_uris=["http://testserver/"])
    return issuer


def _authorize(client):
    start = client.get(reverse("identity_login"))
    assert start.status_code == 302
    return start["Location"]


def sign_in(client, id_number):
    """Click "Đăng nhập bằng VNeID", pick `id_number` at the sandbox, come back: the signed-in account."""
    authorize = _authorize(client)
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]  # PKCE
    assert query["state"][0] and query["nonce"][0]
    page = client.get(authorize)
    assert page.status_code == 200 and "Nguyễn Văn An" in page.content.decode()
    back = client.post(authorize, {"identity": id_number})
    assert back.status_code == 302 and back["Location"].startswith(CALLBACK), back.content[:300]
    done = client.get(back["Location"])
    assert done.status_code == 302 and "/tai-khoan/dang-nhap/" not in done["Location"], done["Location"]
    return User.objects.get(pk=client.session[SESSION_KEY])


def test_first_sign_in_creates_a_verified_account(provider):
    before = User.objects.count()
    user = sign_in(Client(), CUONG)
    person = BY_ID_NUMBER[CUONG]
    link = IdentityLink.objects.get(user=user)
    assert (link.issuer, link.id_number, link.assurance_level) == (provider, CUONG, 2)
    assert link.subject == identity_sandbox.subject_of(person)
    assert user.full_name == person.full_name and user.id_number == CUONG and user.phone == person.phone
    assert not user.has_usable_password()
    # One MotCua account more, and the sandbox's own (inactive) resource owner: nothing else.
    assert User.objects.count() == before + 2
    assert not User.objects.get(email=f"{CUONG}@vneid-sandbox.invalid").is_active


def test_signing_in_again_reuses_the_account(provider):
    first = sign_in(Client(), CUONG)
    count = User.objects.count()
    assert sign_in(Client(), CUONG) == first
    assert User.objects.count() == count
    assert IdentityLink.objects.filter(id_number=CUONG).count() == 1


def test_an_account_verified_with_the_same_number_is_linked_not_duplicated(provider):
    account = factories.UserFactory(id_number=AN)
    IdentityLink.objects.create(user=account, issuer="https://old-provider.example", subject="old-subject",
                                id_number=AN, assurance_level=1, verified_at=timezone.now())
    count = User.objects.count()
    assert sign_in(Client(), AN) == account
    link = IdentityLink.objects.get(user=account)
    assert (link.issuer, link.assurance_level) == (provider, 2)
    assert User.objects.count() == count + 1  # the sandbox's resource owner only


def test_an_unverified_account_claiming_the_number_is_never_taken_over(provider):
    person = BY_ID_NUMBER[DUNG]
    claimant = factories.UserFactory(id_number=DUNG, phone=person.phone, full_name="Kẻ mạo danh")
    user = sign_in(Client(), DUNG)
    assert user != claimant
    assert user.id_number == DUNG and user.phone is None  # the claimant keeps the phone it registered
    assert not IdentityLink.objects.filter(user=claimant).exists()
    claimant.refresh_from_db()
    assert claimant.has_usable_password() and claimant.full_name == "Kẻ mạo danh"


def test_a_level_1_identity_cannot_submit_a_full_online_procedure(provider):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency], online_mode="full")
    assert procedure.assurance_level_needed() == 2
    client = Client()
    user = sign_in(client, BINH)
    dossier = services.dossier_start_online(procedure=procedure, agency=agency, applicant=user)
    services.dossier_save_form(dossier=dossier, actor=user, data={"full_name": user.full_name})
    services.document_upload(dossier=dossier, actor=user, uploaded=pdf_upload(), required_document=required(dossier))
    review = reverse("dossier_review", args=[dossier.public_id])
    page = client.get(review).content.decode()
    assert "mức độ 2" in page and "Công an cấp xã" in page and "disabled" in page
    response = client.post(review, follow=True)
    assert "mức độ 2" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT
    with pytest.raises(services.AssuranceTooLow):
        services.dossier_submit_online(dossier=dossier, actor=user)
    api = client.post(reverse("api_dossier_submit", args=[dossier.public_id]))
    assert api.status_code == 403 and "mức độ 2" in api.json()["detail"]
    # The same dossier at a procedure that asks level 1 goes through.
    procedure.assurance_level = 1
    procedure.save()
    assert services.dossier_submit_online(dossier=dossier, actor=user).status == Status.SUBMITTED


def test_a_level_2_identity_submits_and_a_password_account_is_told_to_use_vneid(provider, settings):
    agency = factories.AgencyFactory()
    procedure = factories.ProcedureFactory(agencies=[agency], online_mode="full")
    user = sign_in(Client(), CUONG)
    dossier = services.dossier_start_online(procedure=procedure, agency=agency, applicant=user)
    services.dossier_save_form(dossier=dossier, actor=user, data={"full_name": user.full_name})
    services.document_upload(dossier=dossier, actor=user, uploaded=pdf_upload(), required_document=required(dossier))
    assert services.dossier_submit_online(dossier=dossier, actor=user).status == Status.SUBMITTED
    password_only = factories.UserFactory()
    problem = services.assurance_problem(procedure=procedure, user=password_only)
    assert "Đăng nhập bằng VNeID" in problem


def test_password_sign_in_follows_the_roles_setting(provider, settings, agency):
    citizen = factories.UserFactory()
    officer = factories.officer(agency, "desk_officer")
    login = reverse("login")
    refused = Client().post(login, {"username": citizen.email, "password": factories.PASSWORD})
    assert refused.status_code == 200 and "Đăng nhập bằng VNeID" in refused.content.decode()
    assert SESSION_KEY not in refused.wsgi_request.session
    assert Client().post(login, {"username": officer.email, "password": factories.PASSWORD}).status_code == 302
    settings.PASSWORD_LOGIN_ROLES = ["officer", "citizen"]
    assert Client().post(login, {"username": citizen.email, "password": factories.PASSWORD}).status_code == 302


def test_logout_ends_the_provider_session_too(provider):
    client = Client()
    sign_in(client, CUONG)
    # While signed in at the sandbox, a second sign-in comes straight back (single sign-on).
    again = client.get(_authorize(client))
    assert again.status_code == 302 and again["Location"].startswith(CALLBACK)
    out = client.post(reverse("logout"))
    assert SESSION_KEY not in client.session
    end_session = urlsplit(out["Location"])
    assert end_session.path == "/vneid-sandbox/logout/" and "id_token_hint" in parse_qs(end_session.query)
    home = client.get(out["Location"])
    assert home.status_code == 302 and home["Location"] == "http://testserver/"
    # The provider asks again who signs in.
    page = client.get(_authorize(client))
    assert page.status_code == 200 and 'name="identity"' in page.content.decode()


def test_a_forged_state_or_a_missing_pkce_challenge_signs_nobody_in(provider):
    client = Client()
    authorize = _authorize(client)
    back = client.post(authorize, {"identity": CUONG})
    code = parse_qs(urlsplit(back["Location"]).query)["code"][0]
    forged = client.get(reverse("identity_callback"), {"code": code, "state": "forged"})
    assert forged.status_code == 400
    assert SESSION_KEY not in client.session
    query = parse_qs(urlsplit(authorize).query)
    without_pkce = {k: v[0] for k, v in query.items() if not k.startswith("code_challenge")}
    response = client.get(urlsplit(authorize).path, without_pkce)
    assert response.status_code in (302, 400)
    if response.status_code == 302:  # the error goes back to the client, never a code
        assert "error=" in response["Location"] and "code=" not in response["Location"]


def test_production_refuses_the_sandbox_provider_and_registry(settings, db):
    settings.DEBUG, settings.ALLOW_SANDBOX = False, False
    assert {p.id for p in checks.sandbox_identity_check()} == {"dossiers.E008", "dossiers.E009", "dossiers.E010"}
    assert Client().get("/vneid-sandbox/.well-known/openid-configuration").status_code == 404
    assert Client().get("/vneid-sandbox/authorize/").status_code == 404
    response = Client().get(reverse("identity_login"), follow=True)
    assert "chưa được cấu hình" in response.content.decode()
    settings.OIDC_DISCOVERY_URL = "https://vneid.example/.well-known/openid-configuration"
    settings.OIDC_RP_CLIENT_SECRET = "issued-by-the-provider"
    settings.POPULATION_REGISTRY = "dossiers.registry.HttpRegistry"
    assert checks.sandbox_identity_check() == []
    settings.ALLOW_SANDBOX = True
    settings.OIDC_DISCOVERY_URL = f"{settings.OIDC_SANDBOX_ISSUER}/.well-known/openid-configuration"
    assert checks.sandbox_identity_check() == []


def test_the_sandbox_grants_sign_in_scopes_only(provider):
    """Its access tokens carry openid/profile/vneid, none of which is an API audience (portal/api_auth.py
    answers 403 to a token whose scopes name no audience of the view)."""
    from oauth2_provider.models import AccessToken

    from portal.api_auth import AUDIENCES

    sign_in(Client(), CUONG)
    token = AccessToken.objects.filter(user__email=f"{CUONG}@vneid-sandbox.invalid").latest("id")
    assert set(token.scope.split()) == {"openid", "profile", "vneid"}
    assert not set(token.scope.split()) & set(AUDIENCES)


@pytest.mark.django_db(transaction=True)
def test_two_first_sign_ins_at_once_make_one_account():
    """Real threads on PostgreSQL: the unique ID number among links lets one first sign-in create the
    account and the other find it (dossiers.services.identity, the IntegrityError retry)."""
    import threading

    from django.db import connection

    claims = {"id_number": CUONG, "assurance_level": 2, "name": "Lê Văn Cường", "phone_number": "0912000103"}
    barrier, results, errors = threading.Barrier(2), [], []

    def sign_in_once():
        try:
            barrier.wait()
            results.append(services.identity_sign_in(issuer="https://vneid.example", subject="s-cuong",
                                                     claims=claims).pk)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_in_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(set(results)) == 1
    assert User.objects.filter(id_number=CUONG).count() == 1
    assert IdentityLink.objects.filter(id_number=CUONG).count() == 1
