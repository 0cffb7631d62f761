"""API routes (mounted under /api/v1/)."""

from django.urls import path

from reports import api

urlpatterns = [
    path("reports/monthly/", api.MonthlyView.as_view(), name="api-reports-monthly"),
    path("reports/agency-trend/", api.AgencyTrendView.as_view(), name="api-reports-agency-trend"),
    path("reports/area-trend/", api.AreaTrendView.as_view(), name="api-reports-area-trend"),
    path("reports/recompute/", api.RecomputeView.as_view(), name="api-reports-recompute"),
    path("reports/tasks/<str:task_id>/", api.TaskView.as_view(), name="api-reports-task"),
]
