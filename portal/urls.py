"""Root URLs: each app's pages and API under one prefix."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal import api_auth, health, views

handler404 = "portal.views.error_404"
handler403 = "portal.views.error_403"
handler500 = "portal.views.error_500"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split view: the init script is a separate file, so the strict CSP (script-src 'self') allows it.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/oauth/authorize/", api_auth.ApiAuthorizationView.as_view(), name="oauth-authorize"),
    path("api/oauth/token/", api_auth.RateLimitedTokenView.as_view(), name="oauth-token"),
    path("api/oauth/revoke/", api_auth.RateLimitedRevokeView.as_view(), name="oauth-revoke"),
    # The sandbox national identity provider (OpenID Connect; 404 in production without ALLOW_SANDBOX).
    path("vneid-sandbox/", include("dossiers.identity_sandbox")),
    path("api/v1/", include("procedures.api_urls")),
    path("api/v1/", include("dossiers.api_urls")),
    path("api/v1/", include("reports.api_urls")),
    path("admin/", admin.site.urls),
    path("", views.home, name="home"),
    path("", include("dossiers.urls")),
    path("", include("procedures.urls")),
    path("", include("reports.urls")),
]
