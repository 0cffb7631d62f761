"""API routes (mounted under /api/v1/)."""

from django.urls import path, re_path

from dossiers import api_desk

urlpatterns = [
    # Explicit action names, so this route never shadows other dossier routes (documents, submit …).
    re_path(rf"^dossiers/(?P<code>[^/]+)/(?P<action>{api_desk.ACTION_PATTERN})/$",
            api_desk.DossierActionView.as_view(), name="api-desk-action"),
    path("desk/queue/", api_desk.QueueView.as_view(), name="api-desk-queue"),
]
