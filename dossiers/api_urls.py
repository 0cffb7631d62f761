"""API routes (mounted under /api/v1/)."""

from django.urls import path, re_path

from dossiers import api, api_desk, api_officer, api_verify

# Citizen routes: explicit, so officer actions (dossiers/api_desk.py) can add theirs alongside.
urlpatterns = [
    path("dossiers/", api.DossierListCreate.as_view(), name="api_dossiers"),
    path("dossiers/<str:ref>/", api.DossierDetail.as_view(), name="api_dossier"),
    path("dossiers/<str:ref>/documents/", api.DossierDocuments.as_view(), name="api_dossier_documents"),
    path("dossiers/<str:ref>/submit/", api.DossierSubmit.as_view(), name="api_dossier_submit"),
    path("dossiers/<str:ref>/supplement/", api.DossierSupplement.as_view(), name="api_dossier_supplement"),
    path("dossiers/<str:ref>/withdraw/", api.DossierWithdraw.as_view(), name="api_dossier_withdraw"),
    path("dossiers/<str:ref>/rating/", api.DossierRating.as_view(), name="api_dossier_rating"),
    path("dossiers/<str:ref>/payment/", api.DossierPayment.as_view(), name="api_dossier_payment"),
    path("verifications/", api_verify.VerificationUpload.as_view(), name="api_verification_upload"),
    path("verifications/<str:verification_id>/", api_verify.VerificationDetail.as_view(), name="api_verification"),
    path("documents/<int:document_id>/file/", api.DocumentFile.as_view(), name="api_document_file"),
    # Officer actions (dossiers/api_desk.py): explicit action names, so they never shadow the routes above.
    re_path(rf"^dossiers/(?P<code>[^/]+)/(?P<action>{api_desk.ACTION_PATTERN})/$",
            api_desk.DossierActionView.as_view(), name="api-desk-action"),
    path("desk/queue/", api_desk.QueueView.as_view(), name="api-desk-queue"),
    path("desk/intake/", api_officer.IntakeView.as_view(), name="api-desk-intake"),
    path("desk/registry-lookups/", api_officer.RegistryLookupView.as_view(), name="api-desk-registry-lookup"),
    path("me/", api_officer.MeView.as_view(), name="api-me"),
    path("agencies/<str:agency>/specialists/", api_officer.AgencySpecialistsView.as_view(),
         name="api-agency-specialists"),
]
