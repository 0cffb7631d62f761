"""API routes (mounted under /api/v1/)."""

from django.urls import path

from procedures import api

urlpatterns = [
    path("procedures/", api.ProcedureListApi.as_view(), name="api-procedure-list"),
    path("procedures/<str:code>/", api.ProcedureDetailApi.as_view(), name="api-procedure-detail"),
    path("fields/", api.FieldListApi.as_view(), name="api-field-list"),
    path("agencies/", api.AgencyListApi.as_view(), name="api-agency-list"),
    path("units/", api.UnitListApi.as_view(), name="api-unit-list"),
    path("calendar/due-date/", api.DueDateApi.as_view(), name="api-due-date"),
    path("assistant/", api.AssistantApi.as_view(), name="api-assistant"),
]
