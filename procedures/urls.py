"""HTML pages."""

from django.urls import path

from procedures import views

urlpatterns = [
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/mau/<int:document_id>/", views.procedure_template, name="procedure_template"),
    path("lich-lam-viec/han-giai-quyet/", views.due_date, name="due_date"),
    path("tro-ly/", views.assistant, name="assistant"),
]
