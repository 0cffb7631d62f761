"""OAuth2 for machine clients (issue 17 item 4): bearer tokens with one scope per audience.

Scopes are audiences: `citizen` (the citizen API), `desk` (officer actions, counter intake, queues,
look-ups) and `reports` (statistics). Every DRF view declares the audiences it serves in
`api_audiences`; a bearer token whose scopes name none of them is answered 403, and a view that declares
none refuses every bearer token (fail closed). Sessions and DRF tokens are not scoped: they are a person
signed in to the portal, with that person's rights.

A client-credentials token has no resource owner of its own: it acts as its Application's `user`, a
service account that holds AgencyMembership rows like any officer (docs/api-clients.md). So the
lifecycle's role checks, `visible_to()` and the audit trail treat the agency's system as that officer.

A mobile app (a public client: no secret it could keep) uses the authorization code grant with PKCE
(RFC 6749 §4.1, RFC 7636 S256, RFC 8252): the citizen signs in to MotCua and consents at
/api/oauth/authorize/, and the app's token acts as that citizen, with the `citizen` scope.

The token endpoint is rate limited per client address (`OAUTH_TOKEN_RATE_LIMIT` per minute).
"""

import hashlib

from django.conf import settings
from django.dispatch import Signal
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.models import AccessToken, Application, RefreshToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView, RevokeTokenView, TokenView
from rest_framework.exceptions import PermissionDenied

from portal import ratelimit

AUDIENCES = ("citizen", "desk", "reports")
ALL_AUDIENCES = AUDIENCES  # public read-only routes (the catalogue) serve every audience


class ServiceAccountValidator(OAuth2Validator):
    """Client credentials: the token belongs to the Application's service account (None would make it
    anonymous, and no officer rule could apply to it)."""

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        if request.grant_type == "client_credentials" and request.client is not None:
            request.user = request.client.user
        return super()._create_access_token(expires, request, token, source_refresh_token=source_refresh_token)

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs):
        # A client-credentials client without a service account would act as nobody: refuse it.
        if grant_type == "client_credentials" and getattr(client, "user_id", None) is None:
            return False
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)


class ScopedOAuth2Authentication(OAuth2Authentication):
    """Bearer tokens, checked against the view's `api_audiences`. First in DRF's list, so an anonymous
    call is answered 401 with `WWW-Authenticate: Bearer realm="api"` (DRF answers 403 when the first
    authenticator offers no challenge, as SessionAuthentication does)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        view = (getattr(request, "parser_context", None) or {}).get("view")
        audiences = set(getattr(view, "api_audiences", ()))
        if not audiences & set(token.scope.split()):
            raise PermissionDenied(_("Mã truy cập không có phạm vi (scope) cho API này: %(scopes)s.")
                                   % {"scopes": ", ".join(sorted(audiences)) or "—"})
        return user, token


class ScopedOAuth2Scheme(DjangoOAuthToolkitScheme):
    """OpenAPI: the `oauth2` security scheme (client credentials), each operation listing the scopes
    (audiences) any one of which it accepts."""

    target_class = "portal.api_auth.ScopedOAuth2Authentication"

    def get_security_requirement(self, auto_schema):
        return [{self.name: [audience]} for audience in getattr(auto_schema.view, "api_audiences", ())]


def token_scopes(request):
    """The scopes of the bearer token of this request, or None for a session or DRF token."""
    return request.auth.scope.split() if isinstance(request.auth, AccessToken) else None


def _throttled(request):
    key = f"oauth-token:{ratelimit.client_ip(request)}"
    if ratelimit.hit(key, limit=settings.OAUTH_TOKEN_RATE_LIMIT, window_seconds=60):
        return None
    return JsonResponse({"error": "slow_down", "error_description": _("Quá nhiều yêu cầu, vui lòng thử lại sau.")},
                        status=429, headers={"Retry-After": "60"})


@method_decorator(csrf_exempt, name="dispatch")
class RateLimitedTokenView(TokenView):
    """POST /api/oauth/token/ (RFC 6749 §4.4 client credentials; client id and secret in Basic auth
    or the body)."""

    def post(self, request, *args, **kwargs):
        return _throttled(request) or super().post(request, *args, **kwargs)


# Sent after a revocation answered 200 with the access token it ended (None when the token was unknown:
# RFC 7009 answers 200 all the same). dossiers.api_clients records it; issue is the toolkit's app_authorized.
token_revoked = Signal()


def _token_named(value):
    """The access token a revocation request names (itself or through its refresh token), or None."""
    if not value:
        return None
    checksum = hashlib.sha256(value.encode("utf-8")).hexdigest()
    token = AccessToken.objects.select_related("application").filter(token_checksum=checksum).first()
    if token is None:
        refresh = RefreshToken.objects.select_related("access_token__application").filter(
            token_checksum=checksum).first()
        token = refresh.access_token if refresh is not None else None  # None once the refresh was used
    return token


@method_decorator(csrf_exempt, name="dispatch")
class RateLimitedRevokeView(RevokeTokenView):
    """POST /api/oauth/revoke/ (RFC 7009): the client revokes one of its tokens."""

    def post(self, request, *args, **kwargs):
        throttled = _throttled(request)
        if throttled:
            return throttled
        token = _token_named(request.POST.get("token", ""))
        snapshot = None if token is None else {
            "application": token.application, "user_id": token.user_id, "scope": token.scope,
            "token_id": token.pk, "expires": token.expires}
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200 and snapshot is not None and not AccessToken.objects.filter(
                pk=snapshot["token_id"]).exists():
            token_revoked.send(sender=type(self), request=request, token=snapshot)
        return response


class ApiAuthorizationView(AuthorizationView):
    """GET/POST /api/oauth/authorize/: the citizen, signed in to MotCua (else sent to sign in first),
    sees which app asks for what and allows or refuses it (authorization code + PKCE S256, required by
    PKCE_REQUIRED; the code lives 60 s, the toolkit's default). The sandbox identity provider's
    OpenID Connect clients sign people in elsewhere (/vneid-sandbox/) and are refused here."""

    template_name = "api/oauth_authorize.html"

    def dispatch(self, request, *args, **kwargs):
        client_id = request.GET.get("client_id") or request.POST.get("client_id") or ""
        if Application.objects.filter(client_id=client_id).exclude(algorithm="").exists():
            return render(request, self.template_name, status=400, context={"error": {
                "error": "unauthorized_client",
                "description": _("Ứng dụng này không được cấp quyền truy cập API.")}})
        return super().dispatch(request, *args, **kwargs)
