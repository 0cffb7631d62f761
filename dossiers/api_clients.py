"""OAuth2 clients: which scopes each may be granted, and registering one (docs/api-clients.md)."""

import secrets

from django.db import transaction
from django.dispatch import receiver
from oauth2_provider.models import Application
from oauth2_provider.scopes import SettingsScopes
from oauth2_provider.signals import app_authorized

from dossiers.models import AgencyMembership, ApiClientScopes, ApiScope, ApiTokenEvent, User
from portal.api_auth import token_revoked
from portal.client_ip import client_ip
from procedures.models import Agency

# The scopes of an OpenID Connect client of the sandbox identity provider (dossiers/identity_sandbox.py):
# sign-in only, never an API audience (portal/api_auth.py refuses its tokens everywhere).
OIDC_SCOPES = ["openid", "profile", "vneid"]


class ApplicationScopes(SettingsScopes):
    """django-oauth-toolkit's scopes backend: a client may ask only for the scopes registered for it
    (ApiClientScopes), and gets all of them when it names none; an OpenID Connect client (one that
    signs ID tokens) gets the sign-in scopes only."""

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        if application is None:
            return list(ApiScope.values)
        if application.algorithm:
            return list(OIDC_SCOPES)
        row = ApiClientScopes.objects.filter(application=application).first()
        return row.scopes() if row else []

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self.get_available_scopes(application, request)


@transaction.atomic
def api_client_create(*, name, service_account, scopes):
    """A confidential client-credentials client acting as `service_account`. Returns (application,
    client_secret): the secret is stored hashed, so this is the only time it can be shown."""
    unknown = set(scopes) - set(ApiScope.values)
    if unknown or not scopes:
        raise ValueError(f"scopes must be among {ApiScope.values}: {sorted(unknown) or 'none given'}")
    secret = secrets.token_urlsafe(32)
    application = Application.objects.create(
        name=name, user=service_account, client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS, client_secret=secret,
        hash_client_secret=True)
    ApiClientScopes.objects.create(application=application, **{scope: True for scope in scopes})
    return application, secret


@transaction.atomic
def mobile_app_create(*, name, redirect_uris, scopes=("citizen",)):
    """A public client for a mobile app: authorization code with PKCE (RFC 7636, S256; PKCE_REQUIRED),
    no secret (an app cannot keep one, RFC 8252 §8.5), each token acting as the citizen who consented at
    /api/oauth/authorize/. `redirect_uris`: the app's claimed https link or private-use scheme URI."""
    unknown = set(scopes) - set(ApiScope.values)
    if unknown or not scopes:
        raise ValueError(f"scopes must be among {ApiScope.values}: {sorted(unknown) or 'none given'}")
    if not redirect_uris:
        raise ValueError("a mobile app needs at least one redirect URI")
    application = Application.objects.create(
        name=name, client_type=Application.CLIENT_PUBLIC, client_secret="",
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE, redirect_uris=" ".join(redirect_uris),
        skip_authorization=False)
    ApiClientScopes.objects.create(application=application, **{scope: True for scope in scopes})
    return application


@transaction.atomic
def service_account_ensure(*, email, full_name, roles):
    """The account an agency's system acts as: created without a usable password (it never signs in to
    the pages), given each `(agency_code, role)`. Idempotent."""
    account = User.objects.filter(email=email).first()
    if account is None:
        account = User.objects.create_user(email=email, password=None, full_name=full_name)
    for agency_code, role in roles:
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None:
            raise ValueError(f"no agency with code {agency_code!r}")
        AgencyMembership.objects.get_or_create(user=account, agency=agency, role=role)
    return account


# --- the token trail (ApiTokenEvent) ------------------------------------------------------------------
@receiver(app_authorized, dispatch_uid="dossiers.api_token_issued")
def api_token_issued(sender, request, token, **kwargs):
    """Every access token the token endpoints issue (client credentials, authorization code, refresh,
    and the sandbox identity provider's sign-ins), recorded without the token."""
    application = token.application
    ApiTokenEvent.objects.create(
        kind=ApiTokenEvent.Kind.ISSUED, application=application,
        client_id=application.client_id if application else "", user_id=token.user_id,
        grant_type=request.POST.get("grant_type", "")[:40], scope=token.scope[:200], token_id=token.pk,
        expires=token.expires, ip_address=client_ip(request))


@receiver(token_revoked, dispatch_uid="dossiers.api_token_revoked")
def api_token_revoked(sender, request, token, **kwargs):
    application = token["application"]
    ApiTokenEvent.objects.create(
        kind=ApiTokenEvent.Kind.REVOKED, application=application,
        client_id=application.client_id if application else "", user_id=token["user_id"],
        scope=token["scope"][:200], token_id=token["token_id"], expires=token["expires"],
        ip_address=client_ip(request))


# --- the apps a citizen let act for them (account page "Ứng dụng đã cấp quyền") -----------------------
def connected_apps(*, user):
    """The OAuth2 clients holding a live token of `user` (an access token not expired, or a refresh token
    not revoked), oldest allowed first: [{application, allowed_at, last_used_at, scope}]. `allowed_at` is
    the first token issued to it for this user (the token trail), `last_used_at` the newest token issued
    (the toolkit records no per-request use: a token issue, e.g. a refresh, is the last sign of use)."""
    from django.db.models import Max, Min
    from django.utils import timezone
    from oauth2_provider.models import AccessToken, RefreshToken

    live = set(AccessToken.objects.filter(user=user, expires__gt=timezone.now()).values_list("application_id", flat=True))
    live |= set(RefreshToken.objects.filter(user=user, revoked__isnull=True).values_list("application_id", flat=True))
    live.discard(None)
    trail = {row["application_id"]: row for row in ApiTokenEvent.objects.filter(
        user=user, kind=ApiTokenEvent.Kind.ISSUED, application_id__in=live).values("application_id").annotate(
        first=Min("created_at"), last=Max("created_at"))}
    tokens = {row["application_id"]: row for row in AccessToken.objects.filter(
        user=user, application_id__in=live).values("application_id").annotate(first=Min("created"), last=Max("created"))}
    apps = []
    for application in Application.objects.filter(pk__in=live):
        seen = [row for row in (trail.get(application.pk), tokens.get(application.pk)) if row]
        scopes = AccessToken.objects.filter(user=user, application=application).order_by("-created").values_list(
            "scope", flat=True).first()
        apps.append({"application": application, "scope": scopes or "",
                     "allowed_at": min((row["first"] for row in seen), default=None),
                     "last_used_at": max((row["last"] for row in seen), default=None)})
    return sorted(apps, key=lambda a: (a["allowed_at"] is None, a["allowed_at"] or 0, a["application"].pk))


@transaction.atomic
def connected_app_revoke(*, user, application_id, request):
    """End everything `user` allowed the client `application_id`: its access and refresh tokens and any
    pending authorization code; each access token's end is in the token trail (ApiTokenEvent, as at
    /api/oauth/revoke/). Returns the number of access tokens ended; 0 when the user has none there (another
    person's app, or already revoked: nothing of anyone else's is touched)."""
    from oauth2_provider.models import AccessToken, Grant, RefreshToken

    ended = 0
    access = list(AccessToken.objects.select_for_update().select_related("application").filter(
        user=user, application_id=application_id))
    for token in access:
        snapshot = {"application": token.application, "user_id": token.user_id, "scope": token.scope,
                    "token_id": token.pk, "expires": token.expires}
        token.revoke()
        token_revoked.send(sender=connected_app_revoke, request=request, token=snapshot)
        ended += 1
    for refresh in RefreshToken.objects.select_for_update().filter(user=user, application_id=application_id,
                                                                     revoked__isnull=True):
        refresh.revoke()
    Grant.objects.filter(user=user, application_id=application_id).delete()
    return ended
