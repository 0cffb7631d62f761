"""The sandbox national identity provider: an OpenID Connect provider inside MotCua for the demo and
the tests, standing in for VNeID (django-oauth-toolkit in OIDC mode, authorization code + PKCE,
ID tokens signed RS256 with the sandbox's own key, `portal/oidc_keys.py`).

Whoever opens its sign-in page picks one of the demo people (dossiers/sandbox_people.py) and consents;
the provider then issues a code for MotCua (the relying party, dossiers/identity.py). Its session is a
signed cookie of its own (path /vneid-sandbox/), apart from MotCua's session, so that RP-initiated
logout visibly ends it. With DEBUG off it answers 404 unless ALLOW_SANDBOX=1 (`dossiers.E005`).

django-oauth-toolkit needs an account as the resource owner of a grant: each demo person has an
inactive, password-less provider-side account (`<id>@vneid-sandbox.invalid`), never the person's
MotCua account, which only the relying party links (by issuer + subject).
"""

import functools
import hashlib

from django import forms
from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import render
from django.urls import path, re_path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from oauth2_provider import views as oauth_views
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.models import Application
from oauth2_provider.views.mixins import OAuthLibMixin

from dossiers.models import User
from dossiers.sandbox_people import BY_ID_NUMBER, DEMO_PEOPLE
from portal.api_auth import RateLimitedTokenView, ServiceAccountValidator

COOKIE = "vneid_sandbox"
COOKIE_PATH = "/vneid-sandbox/"
COOKIE_SALT = "dossiers.identity_sandbox"
PROVIDER_DOMAIN = "vneid-sandbox.invalid"
# The identity scope of the sandbox: the personal ID number and the assurance level.
IDENTITY_SCOPE = "vneid"


def allowed():
    return settings.DEBUG or settings.ALLOW_SANDBOX


def subject_of(person):
    """A stable subject that does not reveal the ID number (a real provider's `sub` is its own)."""
    return hashlib.sha256(f"vneid-sandbox:{person.id_number}".encode()).hexdigest()[:32]


def person_of(provider_account):
    local, _sep, domain = (provider_account.email or "").partition("@")
    return BY_ID_NUMBER.get(local) if domain == PROVIDER_DOMAIN else None


def provider_account(person):
    """The provider-side resource owner of `person` (inactive, no password: never signs in to MotCua)."""
    account, _created = User.objects.get_or_create(
        email=f"{person.id_number}@{PROVIDER_DOMAIN}",
        defaults={"full_name": person.full_name, "is_active": False, "password": "!"})
    account.last_login = timezone.now()  # the ID token's auth_time
    account.save(update_fields=["last_login"])
    return account


class SandboxIdentityValidator(ServiceAccountValidator):
    """The claims of the demo person behind a grant: standard OIDC profile claims and, under the
    `vneid` scope, the personal ID number and the assurance level (claim names as OIDC_CLAIM_* say)."""

    oidc_claim_scope = {**ServiceAccountValidator.oidc_claim_scope, "phone_number": "profile", "email": "profile",
                        "address": "profile", "id_number": IDENTITY_SCOPE, "assurance_level": IDENTITY_SCOPE,
                        "acr": IDENTITY_SCOPE}

    def get_claim_dict(self, request):
        person = person_of(request.user)
        if person is None:
            return super().get_claim_dict(request)
        claims = {"sub": subject_of(person), "name": person.full_name, "birthdate": person.birth_date.isoformat(),
                  "gender": "male" if person.gender == "nam" else "female", "address": {"formatted": person.address},
                  "phone_number": person.phone, "id_number": person.id_number,
                  "assurance_level": person.assurance_level, "acr": f"vneid:level{person.assurance_level}"}
        if person.email:
            claims["email"] = person.email
        return claims


def sandbox_application_ensure(*, redirect_uris, post_logout_redirect_uris):
    """The relying party's registration at the sandbox (client OIDC_RP_CLIENT_ID, secret stored hashed).
    Idempotent; the URIs given replace the registered ones."""
    application, _created = Application.objects.get_or_create(
        client_id=settings.OIDC_RP_CLIENT_ID,
        defaults={"name": "MotCua (sandbox VNeID)", "client_type": Application.CLIENT_CONFIDENTIAL,
                  "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
                  "client_secret": settings.OIDC_RP_CLIENT_SECRET, "algorithm": Application.RS256_ALGORITHM,
                  "skip_authorization": False})
    application.redirect_uris = " ".join(redirect_uris)
    application.post_logout_redirect_uris = " ".join(post_logout_redirect_uris)
    application.save()
    return application


class PickIdentityForm(forms.Form):
    identity = forms.ChoiceField(label=_("Chọn công dân (dữ liệu thử nghiệm)"), widget=forms.RadioSelect,
                                 choices=[(p.id_number, p.full_name) for p in DEMO_PEOPLE],
                                 error_messages={"required": _("Vui lòng chọn một công dân.")})


def _signed_in(request):
    try:
        value = signing.get_cookie_signer(salt=COOKIE_SALT).unsign(request.COOKIES.get(COOKIE, ""),
                                                                     max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:
        return None
    return BY_ID_NUMBER.get(value)


class SandboxAuthorizeView(OAuthLibMixin, View):
    """GET/POST /vneid-sandbox/authorize/: the authorization endpoint (OIDC Core §3.1.2). A person
    already signed in at the sandbox (its cookie) is sent straight back unless `prompt=login`."""

    def dispatch(self, request, *args, **kwargs):
        if not allowed():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def _validated(self, request):
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return None, None, render(request, "identity/sandbox_error.html",
                                      {"error": error.oauthlib_error.description or error.oauthlib_error.error},
                                      status=400)
        # Only OpenID Connect clients sign people in here; an API client (a mobile app) would otherwise get
        # a token acting as a demo person's provider account.
        if not Application.objects.filter(client_id=credentials.get("client_id")).exclude(algorithm="").exists():
            return None, None, render(request, "identity/sandbox_error.html",
                                      {"error": _("Ứng dụng này không phải là bên sử dụng định danh (OpenID Connect).")},
                                      status=400)
        return scopes, credentials, None

    def _approve(self, request, person, scopes, credentials):
        application = Application.objects.get(client_id=credentials["client_id"])
        request.user = provider_account(person)  # the grant's resource owner, for this request only
        uri, _headers, _body, _status = self.create_authorization_response(
            request=request, scopes=" ".join(scopes), credentials=credentials, allow=True)
        response = OAuth2ResponseRedirect(uri, application.get_allowed_schemes())
        value = signing.get_cookie_signer(salt=COOKIE_SALT).sign(person.id_number)
        response.set_cookie(COOKIE, value, max_age=settings.SESSION_COOKIE_AGE, path=COOKIE_PATH, httponly=True,
                            samesite="Lax", secure=request.is_secure())
        return response

    def get(self, request):
        scopes, credentials, error = self._validated(request)
        if error:
            return error
        person = _signed_in(request)
        if person is not None and request.GET.get("prompt") != "login":
            return self._approve(request, person, scopes, credentials)
        return self._page(request, PickIdentityForm(), credentials)

    def post(self, request):
        scopes, credentials, error = self._validated(request)
        if error:
            return error
        form = PickIdentityForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, credentials, status=400)
        return self._approve(request, BY_ID_NUMBER[form.cleaned_data["identity"]], scopes, credentials)

    def _page(self, request, form, credentials, status=200):
        application = Application.objects.filter(client_id=credentials.get("client_id")).first()
        return render(request, "identity/sandbox_login.html",
                      {"form": form, "people": DEMO_PEOPLE, "application": application}, status=status)


class SandboxLogoutView(oauth_views.RPInitiatedLogoutView):
    """GET/POST /vneid-sandbox/logout/: RP-Initiated Logout 1.0. With a valid id_token_hint the sandbox
    session (its cookie) ends without a question; otherwise the person confirms."""

    template_name = "identity/sandbox_logout.html"

    def dispatch(self, request, *args, **kwargs):
        if not allowed():
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def must_prompt(self, token_user):
        return token_user is None

    def do_logout(self, *args, **kwargs):
        response = super().do_logout(*args, **kwargs)
        response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")
        return response


def _only_when_allowed(view):
    @functools.wraps(view)  # keeps csrf_exempt of the toolkit's views
    def guarded(request, *args, **kwargs):
        if not allowed():
            raise Http404
        return view(request, *args, **kwargs)

    return guarded


# Named as django-oauth-toolkit's own URLs (namespace "oauth2_provider"): its discovery view reverses them.
app_name = "oauth2_provider"
urlpatterns = [
    path("authorize/", SandboxAuthorizeView.as_view(), name="authorize"),
    path("token/", _only_when_allowed(RateLimitedTokenView.as_view()), name="token"),
    re_path(r"^\.well-known/openid-configuration$",
            _only_when_allowed(oauth_views.ConnectDiscoveryInfoView.as_view()), name="oidc-connect-discovery-info"),
    path(".well-known/jwks.json", _only_when_allowed(oauth_views.JwksInfoView.as_view()), name="jwks-info"),
    path("userinfo/", _only_when_allowed(oauth_views.UserInfoView.as_view()),
         name="user-info"),
    path("logout/", SandboxLogoutView.as_view(), name="rp-initiated-logout"),
]
