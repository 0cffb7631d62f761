"""Sign-in with the national electronic identity (VNeID) over OpenID Connect: MotCua as relying party.

mozilla-django-oidc does the authorization-code flow (state, nonce and PKCE S256 kept in the session,
the ID token's signature checked against the provider's JWKS); this module adds what it leaves out:
the provider's endpoints read from its discovery document (`OIDC_DISCOVERY_URL`, cached), the ID
token's `iss` and `aud` checked, userinfo's `sub` matched to the ID token's, the account found or
created by the linking rules of `dossiers.services.identity`, translated messages when anything fails,
and RP-initiated logout (the provider's session ends with ours).

The provider is the sandbox inside MotCua (dossiers/identity_sandbox.py) unless OIDC_DISCOVERY_URL
names another; docs/identity.md says how to point it at VNeID.
"""

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from dossiers import services

logger = logging.getLogger(__name__)

# mozilla-django-oidc setting -> key of the discovery document (OpenID Connect Discovery 1.0 §3).
DISCOVERED = {"OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint", "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
              "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint", "OIDC_OP_JWKS_ENDPOINT": "jwks_uri"}
DISCOVERY_CACHE_SECONDS = 3600
# Session key of the message the callback shows when the provider's answer signs nobody in.
REFUSAL_SESSION_KEY = "identity_refusal"


class ProviderUnavailable(Exception):
    """The identity provider's discovery document could not be had."""


def discovery():
    """The provider's discovery document, cached an hour (Django cache, then the provider)."""
    url = settings.OIDC_DISCOVERY_URL
    key = f"oidc-discovery:{url}"
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise ProviderUnavailable(f"{url}: {error}") from error
        if not all(isinstance(document.get(name), str) for name in (*DISCOVERED.values(), "issuer")):
            raise ProviderUnavailable(f"{url}: not an OpenID Provider configuration")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def oidc_setting(attr, *args):
    """mozilla-django-oidc's `get_settings`: an endpoint set explicitly wins, else the discovery document's."""
    if attr in DISCOVERED and not getattr(settings, attr, ""):
        return discovery()[DISCOVERED[attr]]
    return import_from_settings(attr, *args)


def sandbox_in_use():
    """Whether the provider is the sandbox inside MotCua (dossiers/identity_sandbox.py)."""
    return settings.OIDC_DISCOVERY_URL.startswith(settings.OIDC_SANDBOX_ISSUER.rstrip("/") + "/")


def expected_issuer():
    return settings.OIDC_OP_ISSUER or discovery()["issuer"]


class NationalIdentityBackend(OIDCAuthenticationBackend):
    """Authentication backend of the OIDC callback only (other calls of `authenticate()` return None).

    Endpoints are read when used, not when the backend is built: Django builds every backend for each
    password login and the session's backend on each request, which must not fetch the discovery."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        ModelBackend.__init__(self, *args, **kwargs)
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_TOKEN_ENDPOINT"))
    OIDC_OP_USER_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_USER_ENDPOINT"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: oidc_setting("OIDC_OP_JWKS_ENDPOINT"))

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs or "code" not in request.GET:
            return None  # a password login: not ours
        try:
            return super().authenticate(request, **kwargs)
        except (requests.RequestException, ProviderUnavailable) as error:
            logger.warning("identity provider unavailable during sign-in: %s", error)
            request.session[REFUSAL_SESSION_KEY] = _("Không kết nối được hệ thống định danh điện tử; vui lòng thử lại sau.")
            return None

    def verify_token(self, token, **kwargs):
        """The signature and nonce (mozilla-django-oidc), then the issuer and our client as audience."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != expected_issuer() or self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token of another issuer or audience")
        return payload

    def get_or_create_user(self, access_token, id_token, payload):
        user_info = self.get_userinfo(access_token, id_token, payload)
        if user_info.get("sub") != payload.get("sub"):  # OpenID Connect Core 1.0 §5.3.2
            raise SuspiciousOperation("userinfo is about another subject")
        try:
            return services.identity_sign_in(issuer=payload["iss"], subject=str(payload["sub"]),
                                             claims={**payload, **user_info})
        except services.IdentityRefused as refusal:
            self.request.session[REFUSAL_SESSION_KEY] = str(refusal.message)
            return None

    def get_user(self, user_id):
        return ModelBackend.get_user(self, user_id)


class IdentityLoginView(OIDCAuthenticationRequestView):
    """GET /tai-khoan/vneid/: to the provider's authorization endpoint (state, nonce, PKCE in session)."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        if sandbox_in_use() and not (settings.DEBUG or settings.ALLOW_SANDBOX):  # dossiers.E005
            messages.error(request, _("Chức năng đăng nhập bằng VNeID chưa được cấu hình."))
            return redirect("login")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc_setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except ProviderUnavailable as error:
            logger.warning("identity provider unavailable: %s", error)
            messages.error(request, _("Không kết nối được hệ thống định danh điện tử; vui lòng thử lại sau."))
            return redirect("login")
        return super().get(request)


class IdentityCallbackView(OIDCAuthenticationCallbackView):
    """GET /tai-khoan/vneid/callback/: the provider sends the browser back with `code` and `state`."""

    get_settings = staticmethod(oidc_setting)

    def login_failure(self):
        refusal = self.request.session.pop(REFUSAL_SESSION_KEY, None)
        messages.error(self.request, refusal or _("Đăng nhập bằng tài khoản định danh điện tử không thành công."))
        return redirect("login")

    def login_success(self):
        response = super().login_success()
        messages.success(self.request, _("Đã đăng nhập bằng tài khoản định danh điện tử."))
        return response


class IdentityLogoutView(OIDCLogoutView):
    """POST /tai-khoan/dang-xuat/: ends our session and, after a VNeID sign-in, the provider's too (the
    browser goes to its end_session_endpoint with the ID token as hint, then back home)."""

    get_settings = staticmethod(oidc_setting)


def provider_logout_url(request):
    """OIDC_OP_LOGOUT_URL_METHOD: RP-Initiated Logout 1.0 (id_token_hint, post_logout_redirect_uri)."""
    home = request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL))
    id_token = request.session.get("oidc_id_token")
    if not id_token:
        return home  # a password sign-in: nothing to end at the provider
    try:
        endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT or discovery().get("end_session_endpoint")
    except ProviderUnavailable:
        endpoint = None
    if not endpoint:
        return home
    query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": home,
                       "client_id": settings.OIDC_RP_CLIENT_ID})
    return f"{endpoint}?{query}"
